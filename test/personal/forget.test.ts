/**
 * Personal data on real stores (a SQLite file, a PostgreSQL schema): personal fields are stored
 * encrypted under their subject's data key, the rest stays readable; after `forget`, every event
 * and snapshot of the subject still loads with the personal fields redacted, and no table holds
 * the plaintext or the key.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DataKeyConflictError,
  DataKeyError,
  ForgottenSubjectError,
  IntegrityError,
  isRedacted,
  generateCipherKey,
} from 'eventforge/runtime';
import { Identity, User } from '../../examples/identity.js';
import { postgresSkipReason, SchemaPool } from '../sql/postgres-helpers.js';
import { postgresRows, sqliteRows, type StoredRows } from '../sql/stored-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-'));
const schemas = new SchemaPool('pii');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

let files = 0;
const stores: { label: string; fresh: () => StoredRows }[] = [
  { label: 'SQLite file', fresh: () => sqliteRows(dir, `store-${++files}`) },
];
const postgresSkip = await postgresSkipReason();
if (postgresSkip === undefined) stores.push({ label: 'PostgreSQL', fresh: () => postgresRows(schemas) });
else describe.skip(`personal data on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));

const TABLES = ['events', 'snapshots', 'tracking', 'data_keys'];
const EMAIL = 'jane.doe@example.com';
const NAME = 'Janet';
const NEW_EMAIL = 'janet.d@example.org';

/** Every value of every row of every table, as UTF-8 text and as base64 (what a reader of the database sees). */
async function everyStoredByte(db: StoredRows): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    for (const row of await db.query(`SELECT * FROM ${table}`)) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array)
          parts.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
        else parts.push(String(value));
      }
    }
  }
  return parts.join('\n');
}

describe.each(stores)('personal data on $label', ({ fresh }) => {
  let db: StoredRows;
  let env: Record<string, string>;
  const apps: Identity[] = [];
  const open = (extra: Record<string, string> = {}) => {
    const app = new Identity({ env: { ...env, ...extra } });
    apps.push(app);
    return app;
  };

  beforeEach(() => {
    db = fresh();
    env = { DATABASE_URL: db.url, EVENTFORGE_MASTER_KEY: generateCipherKey() };
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await db.close();
  });

  /** A user of 12 events with a snapshot at 10 (the schema takes one every 10 events), the last one an email change. */
  async function registerJane(app: Identity): Promise<string> {
    const user = User.register(EMAIL, NAME, '2024-02-29');
    for (let i = 0; i < 9; i++) user.changeFirstName(`${NAME}${i}`);
    await app.save(user);
    user.changeFirstName(NAME);
    user.changeEmail(NEW_EMAIL);
    await app.save(user);
    return user.id;
  }

  it('stores personal fields encrypted under the subject key, the rest in clear, and loads them back', async () => {
    const app = open();
    const id = await registerJane(app);
    const stored = await everyStoredByte(db);
    for (const secret of [EMAIL, NEW_EMAIL, NAME]) expect(stored).not.toContain(secret);
    expect(stored).toContain('2024-02-29'); // joinedOn is not personal
    expect(await db.query('SELECT subject FROM data_keys')).toEqual([{ subject: id }]);
    expect((await db.query('SELECT version FROM snapshots')).map((r) => Number(r['version']))).toEqual([10]);

    const user = await app.users.get(id);
    expect([user.email, user.firstName, user.joinedOn, user.version]).toEqual([NEW_EMAIL, NAME, '2024-02-29', 12]);
    const cold = await open().users.get(id); // another application: cold key cache, loads the snapshot
    expect([cold.email, cold.firstName]).toEqual([NEW_EMAIL, NAME]);
  });

  it('with the key cache off (every key read again), saves take snapshots and loads decrypt: nothing reads as redacted', async () => {
    const app = new Identity({ env, dataKeyCache: { ttlMs: 0 } });
    apps.push(app);
    const id = await registerJane(app);
    const user = await app.users.get(id);
    expect([user.email, user.firstName]).toEqual([NEW_EMAIL, NAME]);
    expect((await app.log.select(1n, 1)).map((l) => (l.event.data as { email: unknown }).email)).toEqual([EMAIL]);
  });

  it('forget: every event and snapshot still loads, personal fields redacted, no table holds the plaintext or the key', async () => {
    const scrubbed: string[] = [];
    const app = new Identity({ env, onForget: (subject) => void scrubbed.push(subject) });
    apps.push(app);
    const id = await registerJane(app);
    const other = await app.register('bob@example.com', 'Bob');
    const [{ wrapped_key: wrapped }] = (await db.query('SELECT wrapped_key FROM data_keys WHERE subject = ?', [
      id,
    ])) as [{ wrapped_key: Uint8Array }];

    expect(await app.forget(id)).toBe(true);
    expect(scrubbed).toEqual([id]);
    expect(await app.forget(id)).toBe(false); // forgotten before

    for (const reader of [app, open()]) {
      const user = await reader.users.get(id); // from the snapshot at 10, then events 11 and 12
      expect(isRedacted(user.email)).toBe(true);
      expect(user.firstName).toBe(''); // the schema's `redacted: ""`
      expect(user.joinedOn).toBe('2024-02-29');
      expect(user.version).toBe(12);
      const early = await reader.users.get(id, { version: 3 }); // events only
      expect(isRedacted(early.email)).toBe(true);
      expect(early.firstName).toBe('');
      const logged = await reader.log.select(1n, 100);
      expect(logged.filter((l) => l.event.originatorId === id)).toHaveLength(12);
      expect((await reader.users.get(other)).email).toBe('bob@example.com'); // others untouched
    }
    const stored = await everyStoredByte(db);
    for (const secret of [EMAIL, NEW_EMAIL, NAME, Buffer.from(wrapped).toString('base64')]) {
      expect(stored).not.toContain(secret);
    }
    expect(await db.query('SELECT wrapped_key FROM data_keys WHERE subject = ?', [id])).toEqual([
      { wrapped_key: null },
    ]);
    if (db.url.startsWith('file:')) {
      // The SQLite files themselves (database and WAL), free pages included, no longer hold the key.
      const file = db.url.slice('file:'.length);
      const files = [file, `${file}-wal`].filter((f) => existsSync(f));
      expect(Buffer.concat(files.map((f) => readFileSync(f))).includes(Buffer.from(wrapped))).toBe(false);
    }

    // A snapshot of the forgotten user stores the redacted values, and loads.
    expect(await app.takeSnapshot(User, id)).toBe(12);
    expect((await open().users.get(id)).firstName).toBe('');
  });

  it('refuses new personal data of a forgotten subject, and stores nothing', async () => {
    const app = open();
    const id = await registerJane(app);
    await app.forget(id);
    const user = await app.users.get(id);
    user.changeEmail('back@example.com');
    await expect(app.save(user)).rejects.toThrow(ForgottenSubjectError);
    await expect(app.save(user)).rejects.toThrow(/forgotten.*new identity/);
    expect((await app.users.get(id)).version).toBe(12);
  });

  it('makes a key in the save that first needs it: a refused save leaves no key behind', async () => {
    const app = open();
    const tracking = { application: 'Identity', upstream: 'Signups', notificationId: 5n };
    await app.saveWithTracking(tracking, User.register('a@example.com'));
    const refused = User.register('b@example.com');
    await expect(app.saveWithTracking(tracking, refused)).rejects.toThrow(IntegrityError);
    expect(await db.query('SELECT subject FROM data_keys WHERE subject = ?', [refused.id])).toEqual([]);
    await app.save(refused); // the key is made again, with the events
    expect((await open().users.get(refused.id)).email).toBe('b@example.com');
  });

  it('an append bringing a key its subject has already is refused whole (another writer made it first)', async () => {
    const app = open();
    const id = await registerJane(app);
    const recorder = await app.recorder();
    const event = {
      streamId: 'other',
      version: 1,
      topic: 'Identity.User.Registered',
      schemaVersion: 1,
      timestamp: new Date(),
      state: Buffer.from('{}'),
    };
    const error = await recorder
      .append([event], {
        dataKeys: [
          { subject: 'new-one', wrapped: Uint8Array.of(1) },
          { subject: id, wrapped: Uint8Array.of(2) },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataKeyConflictError);
    expect((error as DataKeyConflictError).subjects).toEqual([id]);
    expect(await recorder.readStream('other')).toEqual([]);
    expect(await recorder.readDataKeys(['new-one'])).toEqual([]);
  });

  it('a personal value moved to another subject, or a wrapped key moved to another row, does not decrypt', async () => {
    const app = open();
    const jane = await registerJane(app);
    const bob = await app.register('bob@example.com', 'Bob');
    const recorder = await app.recorder();
    const [bobs] = await recorder.readStream(bob);
    await recorder.append([{ ...bobs!, streamId: jane, version: 13 }]); // Bob's registration replayed into Jane's stream
    await expect(open().users.get(jane)).rejects.toThrow(
      /personal field "email" does not decrypt under the data key of subject/,
    );

    await db.run(
      'UPDATE data_keys SET wrapped_key = (SELECT wrapped_key FROM data_keys WHERE subject = ?) WHERE subject = ?',
      [bob, jane],
    );
    await expect(open().users.get(jane, { version: 12 })).rejects.toThrow(DataKeyError);
  });

  it('without the master key, or with another one, personal data does not load', async () => {
    const id = await registerJane(open());
    await expect(open({ EVENTFORGE_MASTER_KEY: '' }).users.get(id)).rejects.toThrow(ConfigurationError);
    await expect(open({ EVENTFORGE_MASTER_KEY: generateCipherKey() }).users.get(id)).rejects.toThrow(DataKeyError);
  });
});
