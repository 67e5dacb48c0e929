import type { StoreConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { createMemoryRecorder } from './memory-recorder.js';
import type { Recorder } from './recorder.js';

/** What runtime/prisma/index.ts exports (loaded on demand, so memory-only users never load Prisma). */
interface PrismaRecorders {
  createSqliteRecorder(options: { filename: string }): Recorder | Promise<Recorder>;
  createPostgresRecorder(options: { url: string }): Recorder | Promise<Recorder>;
}

// A variable specifier keeps the type checker and bundlers from requiring the module up front.
const PRISMA_MODULE: string = './prisma/index.js';

/** Opens the recorder a store configuration names. */
export async function openRecorder(store: StoreConfig): Promise<Recorder> {
  if (store.kind === 'memory') return createMemoryRecorder();
  const prisma = await loadPrismaRecorders(store.kind);
  return store.kind === 'sqlite'
    ? await prisma.createSqliteRecorder({ filename: store.filename })
    : await prisma.createPostgresRecorder({ url: store.url });
}

async function loadPrismaRecorders(kind: 'sqlite' | 'postgresql'): Promise<PrismaRecorders> {
  const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  let loaded: Partial<PrismaRecorders>;
  try {
    loaded = (await import(PRISMA_MODULE)) as Partial<PrismaRecorders>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = String((error as Error).message ?? '');
    // Only the store module itself missing means "not available"; a failure inside it is rethrown.
    const missing =
      /prisma[\\/]index/.test(message) &&
      (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url|does not exist/i.test(message));
    if (!missing) throw error;
    throw new ConfigurationError(
      `the ${label} store is not available in this build (runtime/prisma/index.ts is missing); ` +
        'set DATABASE_URL=memory: to use the in-memory store',
    );
  }
  const factory = kind === 'sqlite' ? loaded.createSqliteRecorder : loaded.createPostgresRecorder;
  if (typeof factory !== 'function') {
    throw new ConfigurationError(
      `the ${label} store is not available in this build (runtime/prisma/index.ts exports no ` +
        `${kind === 'sqlite' ? 'createSqliteRecorder' : 'createPostgresRecorder'}); set DATABASE_URL=memory: to use the in-memory store`,
    );
  }
  return loaded as PrismaRecorders;
}
