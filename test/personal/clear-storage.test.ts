/**
 * Personal data with no master key: a save carrying it is refused with a ConfigurationError that
 * names the record, the fields and the fix, and nothing is stored (a real SQLite file read after);
 * events without personal values still save; `EVENTFORGE_PERSONAL_DATA=clear` (or the option)
 * stores them unencrypted on purpose, and the process is warned once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from 'eventforge/runtime';
import { Identity, User } from '../../examples/identity.js';
import { DogSchool } from '../../examples/dog-school.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-clear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = () => join(dir, `store-${++files}.sqlite`);
const rows = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};

/** Warnings the process emits while `work` runs. */
async function warningsDuring(work: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const listen = (warning: Error) => seen.push(warning);
  process.on('warning', listen);
  try {
    await work();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listen);
  }
  return seen;
}

describe('personal data without a master key', () => {
  it('stores personal data unencrypted when allowed (environment or option), and warns once', async () => {
    const file = fresh();
    let id = '';
    const warnings = await warningsDuring(async () => {
      const app = new Identity({ env: { DATABASE_URL: `file:${file}`, EVENTFORGE_PERSONAL_DATA: 'clear' } });
      const again = new Identity({ env: { DATABASE_URL: `file:${file}` }, personalData: 'clear' });
      try {
        id = await app.register('jane@example.com', 'Jane');
        expect((await again.users.get(id)).firstName).toBe('Jane');
        await expect(app.forget(id)).rejects.toThrow(ConfigurationError); // no key to delete
      } finally {
        await app.close();
        await again.close();
      }
    });
    const stored = rows(file, 'SELECT CAST(state AS TEXT) AS state FROM events') as { state: string }[];
    expect(stored[0]?.state).toContain('jane@example.com');
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'EVENTFORGE_PERSONAL_DATA_CLEAR');
    // Once per process, for the first application (each test file runs in a fresh module graph; this test runs first).
    expect(ours).toHaveLength(1);
    expect(ours[0]!.message).toMatch(/Identity .*Identity .*unencrypted.*development and tests/);
  });

  it('refuses a save carrying personal data and stores nothing; the message names record, fields and fix, never values', async () => {
    const file = fresh();
    const app = new Identity({ env: { DATABASE_URL: `file:${file}` } });
    try {
      const user = User.register('jane@example.com', 'Jane');
      const dog = await new DogSchool({ env: { DATABASE_URL: `file:${file}` } }).registerDog('Rex'); // no personal fields
      const error = await app.save(user).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain(`event Identity.User.Registered (stream ${user.id}, version 1)`);
      expect(message).toContain('personal fields (email, firstName)');
      expect(message).toContain('EVENTFORGE_MASTER_KEY');
      expect(message).toContain('EVENTFORGE_PERSONAL_DATA=clear');
      expect(message).not.toContain('jane@example.com');
      expect(message).not.toContain('Jane');
      expect(user.pendingEvents).toHaveLength(1); // kept, to save again once configured
      expect(rows(file, 'SELECT topic FROM events')).toEqual([{ topic: 'DogSchool.Dog.Registered' }]);
      expect(rows(file, 'SELECT * FROM data_keys')).toEqual([]);
      expect(dog).toBeTypeOf('string');
    } finally {
      await app.close();
    }
  });

  it('a save whose personal fields hold nothing, and loading, are not refused', async () => {
    const file = fresh();
    const clear = new Identity({ env: { DATABASE_URL: `file:${file}` }, personalData: 'clear' });
    const id = await clear.register('jane@example.com');
    await clear.close();
    const strict = new Identity({ env: { DATABASE_URL: `file:${file}` } });
    try {
      expect((await strict.users.get(id)).email).toBe('jane@example.com'); // written in clear before: still loads
      const user = await strict.users.get(id);
      user.changeFirstName('Jane');
      await expect(strict.save(user)).rejects.toThrow(
        /event Identity\.User\.FirstNameChanged .*personal fields \(firstName\)/,
      );
      await expect(strict.takeSnapshot(User, id)).rejects.toThrow(
        /the snapshot of User .* personal fields \(email, firstName\)/,
      );
      expect(rows(file, 'SELECT COUNT(*) AS n FROM snapshots')).toEqual([{ n: 0 }]);
    } finally {
      await strict.close();
    }
  });

  it('a bad EVENTFORGE_PERSONAL_DATA is a ConfigurationError naming the variable and the values', () => {
    expect(() => new Identity({ env: { DATABASE_URL: 'memory:', EVENTFORGE_PERSONAL_DATA: 'plain' } })).toThrow(
      /EVENTFORGE_PERSONAL_DATA=plain is not supported; expected encrypted .* or clear/,
    );
  });
});
