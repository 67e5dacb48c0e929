/**
 * The stores the example tests run on: the in-memory recorder and a real SQLite file (a fresh
 * one per test), both opened the way users open them, through DATABASE_URL. Each comes with a
 * fresh master key, as a deployment has one: the examples' personal fields are stored encrypted
 * (without a key, saves carrying them are refused; docs/personal-data.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCipherKey } from 'eventforge/runtime';

export interface ExampleStore {
  readonly label: string;
  /** A fresh, empty store's environment; call `cleanup` after the test. */
  open(): { env: Record<string, string>; cleanup: () => void };
}

const memory: ExampleStore = {
  label: 'in-memory',
  open: () => ({ env: { DATABASE_URL: 'memory:', EVENTFORGE_MASTER_KEY: generateCipherKey() }, cleanup: () => {} }),
};

const sqlite: ExampleStore = {
  label: 'SQLite file',
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventforge-example-'));
    return {
      env: { DATABASE_URL: `file:${join(dir, 'example.sqlite')}`, EVENTFORGE_MASTER_KEY: generateCipherKey() },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** Every store the examples must run on. */
export const exampleStores: readonly ExampleStore[] = [memory, sqlite];
