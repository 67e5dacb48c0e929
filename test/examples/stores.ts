/**
 * The stores the example tests run on: the in-memory recorder always, and a real SQLite file
 * (a fresh one per test) once the SQLite recorder exists (runtime/prisma/index.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExampleStore {
  readonly label: string;
  /** A fresh, empty store's environment; call `cleanup` after the test. */
  open(): { env: Record<string, string>; cleanup: () => void };
}

const memory: ExampleStore = {
  label: 'in-memory',
  open: () => ({ env: { DATABASE_URL: 'memory:' }, cleanup: () => {} }),
};

const sqlite: ExampleStore = {
  label: 'SQLite file',
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventforge-example-'));
    return {
      env: { DATABASE_URL: `file:${join(dir, 'example.sqlite')}` },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const sqliteAvailable = existsSync(fileURLToPath(new URL('../../runtime/prisma/index.ts', import.meta.url)));
if (!sqliteAvailable) console.warn('example tests: SQLite recorder not built yet (runtime/prisma/index.ts missing); running in memory only');

/** Every store available in this build. */
export const exampleStores: readonly ExampleStore[] = sqliteAvailable ? [memory, sqlite] : [memory];
