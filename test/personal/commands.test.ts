/**
 * `eventforge forget` and `eventforge rewrap-keys` as real processes on a SQLite file, and
 * master-key rotation: during it, data keys wrapped under either key are read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DataKeyError, generateCipherKey, isRedacted } from 'eventforge/runtime';
import { Identity, User } from '../../examples/identity.js';
import { eventforge as run } from './stores.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Runs a command with only the variables given. */
const eventforge = (args: readonly string[], env: Record<string, string>) => run(dir, args, env);

/** A SQLite store with two users registered under `master`. */
async function storeWithUsers(master: string): Promise<{ url: string; file: string; ids: string[] }> {
  const file = join(dir, `store-${++files}.sqlite`);
  const url = `file:${file}`;
  const app = new Identity({ env: { DATABASE_URL: url, EVENTFORGE_MASTER_KEY: master } });
  const ids = [await app.register('jane@example.com', 'Jane'), await app.register('bob@example.com', 'Bob')];
  await app.close();
  return { url, file, ids };
}

async function readUser(url: string, env: Record<string, string>, id: string): Promise<User> {
  const app = new Identity({ env: { DATABASE_URL: url, ...env } });
  try {
    return await app.users.get(id);
  } finally {
    await app.close();
  }
}

describe('eventforge forget', () => {
  it('deletes the data key of the subject: the user loads with the personal fields redacted', async () => {
    const master = generateCipherKey();
    const { url, ids } = await storeWithUsers(master);
    const [jane, bob] = ids as [string, string];
    const run = await eventforge(['forget', jane], { DATABASE_URL: url });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`deleted the data key of ${jane}`);
    const user = await readUser(url, { EVENTFORGE_MASTER_KEY: master }, jane);
    expect([isRedacted(user.email), user.firstName]).toEqual([true, '']);
    expect((await readUser(url, { EVENTFORGE_MASTER_KEY: master }, bob)).email).toBe('bob@example.com');
    expect((await eventforge(['forget', jane], { DATABASE_URL: url })).out).toContain(
      `no data key to delete for ${jane}`,
    );
  });

  it('needs a subject, and refuses the in-memory store', async () => {
    expect((await eventforge(['forget'], { DATABASE_URL: 'file:x.sqlite' })).code).toBe(2);
    const memory = await eventforge(['forget', 'someone'], { DATABASE_URL: 'memory:' });
    expect(memory.code).toBe(2);
    expect(memory.err).toMatch(/in-memory store/);
  });
});

describe('master-key rotation with eventforge rewrap-keys', () => {
  it('re-wraps every key under the new master key; both keys are read meanwhile; a second run changes nothing', async () => {
    const [oldKey, newKey] = [generateCipherKey(), generateCipherKey()];
    const { url, file, ids } = await storeWithUsers(oldKey);
    const [jane, bob] = ids as [string, string];
    await eventforge(['forget', bob], { DATABASE_URL: url });
    const during = { EVENTFORGE_MASTER_KEY: newKey, EVENTFORGE_MASTER_PREVIOUS_KEYS: oldKey };
    // Step 1: applications run with the new key and the old one listed; they read the old keys.
    expect((await readUser(url, during, jane)).email).toBe('jane@example.com');
    const wrappedBefore = keyBytes(file, jane);

    const first = await eventforge(['rewrap-keys'], { DATABASE_URL: url, ...during });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(
      '2 keys examined, 1 re-wrapped, 0 under the current master key already, 1 forgotten, 0 refused',
    );
    expect(keyBytes(file, jane).equals(wrappedBefore)).toBe(false);
    const second = await eventforge(['rewrap-keys'], { DATABASE_URL: url, ...during });
    expect(second.out).toContain('0 re-wrapped, 1 under the current master key already');

    // Step 3: the old key is dropped; the new one alone reads, the old one alone no longer does.
    expect((await readUser(url, { EVENTFORGE_MASTER_KEY: newKey }, jane)).email).toBe('jane@example.com');
    await expect(readUser(url, { EVENTFORGE_MASTER_KEY: oldKey }, jane)).rejects.toThrow(DataKeyError);
  });

  it('lists keys no configured master key unwraps and exits 1', async () => {
    const { url } = await storeWithUsers(generateCipherKey());
    const run = await eventforge(['rewrap-keys'], { DATABASE_URL: url, EVENTFORGE_MASTER_KEY: generateCipherKey() });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /refused {2}\S+: cannot unwrap the data key of subject \S+: it is wrapped under a master key that is not configured/,
    );
    expect(run.out).toContain('2 refused');
  });
});

function keyBytes(file: string, subject: string): Buffer {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT wrapped_key FROM data_keys WHERE subject = ?').get(subject) as {
      wrapped_key: Buffer;
    };
    return row.wrapped_key;
  } finally {
    db.close();
  }
}
