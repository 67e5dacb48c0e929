/** Writes a cache file whole or not at all: a concurrent process reads the old file or the new one, never half. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Best effort: a folder that cannot be written keeps nothing. */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch {
    // A read-only checkout, no permission: the next process compiles afresh.
  }
}
