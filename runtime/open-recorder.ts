import type { StoreConfig } from './config.js';
import { createMemoryRecorder } from './memory-recorder.js';
import type { Recorder } from './recorder.js';

/** Opens the recorder a store configuration names. */
export async function openRecorder(store: StoreConfig): Promise<Recorder> {
  if (store.kind === 'memory') return createMemoryRecorder();
  // Imported on use, so applications on the in-memory store never load a database driver.
  const sql = await import('./sql/index.js');
  return store.kind === 'sqlite'
    ? await sql.createSqliteRecorder({ filename: store.filename })
    : await sql.createPostgresRecorder({ url: store.url });
}
