/**
 * Personal data in a declarative view (Identity's UserDirectory, whose email and first name
 * columns the compiler marks personal): `app.forget` scrubs the subject's row through the view's
 * forget, so no byte of the view's table holds the plaintext afterwards — the SQLite file (and its
 * WAL) read as bytes, the PostgreSQL table read whole as text — and a rebuild from the log, which
 * now reads the personal fields redacted, writes none either. Other users' rows are untouched.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCipherKey, type ProjectionRunner } from 'eventforge/runtime';
import { Identity, User, UserDirectoryProjection } from '../../examples/identity.js';
import { caughtUp, readView, runView } from '../../examples/view-target.js';
import { postgresSkipReason, SchemaPool } from '../sql/postgres-helpers.js';
import { postgresRows, sqliteRows, type StoredRows } from '../sql/stored-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-view-'));
const schemas = new SchemaPool('piiview');
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
else describe.skip(`personal data in views on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));

const EMAIL = 'jane.doe@example.com';
const FIRST_EMAIL = 'jane.first@example.com';
const NAME = 'Janette';

/** What a reader of the view's table sees: on SQLite the database file and its WAL as bytes; on PostgreSQL every row as text. */
async function viewTableBytes(db: StoredRows): Promise<string> {
  if (db.url.startsWith('file:')) {
    const file = db.url.slice('file:'.length);
    return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))).toString(
      'latin1',
    );
  }
  const rows = await db.query('SELECT t::text AS row FROM user_directory t');
  return rows.map((r) => String(r['row'])).join('\n');
}

describe.each(stores)('a declarative view with personal columns on $label', ({ fresh }) => {
  let db: StoredRows;
  let app: Identity;
  let runner: ProjectionRunner;
  const directory = () => runner.projection as UserDirectoryProjection;

  beforeEach(async () => {
    db = fresh();
    app = new Identity({ env: { DATABASE_URL: db.url, EVENTFORGE_MASTER_KEY: generateCipherKey() } });
    runner = await runView(app, new UserDirectoryProjection());
  });
  afterEach(async () => {
    await runner.stop();
    await app.close();
    await db.close();
  });

  async function registerJane(): Promise<string> {
    const jane = User.register(FIRST_EMAIL, NAME, '2024-02-29');
    jane.changeEmail(EMAIL);
    await app.save(jane);
    return jane.id;
  }

  it('forget scrubs the subject’s row: no byte of the table holds the plaintext, other rows untouched', async () => {
    const id = await registerJane();
    const bob = await app.register('bob@example.com', 'Bob');
    await caughtUp(app, runner);
    // The view holds the plaintext before (the check below can fail).
    const before = await viewTableBytes(db);
    expect(before.includes(EMAIL) && before.includes(NAME)).toBe(true);

    expect(await app.forget(id)).toBe(true);

    const bytes = await viewTableBytes(db);
    for (const secret of [EMAIL, FIRST_EMAIL, NAME])
      expect(bytes.includes(secret), `${secret} in the table`).toBe(false);
    expect(bytes.includes('bob@example.com')).toBe(true);
    const rows = await readView(app, directory(), (view) => view.all());
    expect(rows).toEqual(
      expect.arrayContaining([
        { userId: id, email: '[forgotten]', firstName: '', joinedOn: '2024-02-29' },
        { userId: bob, email: 'bob@example.com', firstName: 'Bob', joinedOn: null },
      ]),
    );
  });

  it('a rebuild after the forget replays the redacted form: still no plaintext', async () => {
    const id = await registerJane();
    await caughtUp(app, runner);
    await app.forget(id);
    await runner.rebuild();
    await caughtUp(app, runner);
    expect(await readView(app, directory(), (view) => view.get({ userId: id }))).toEqual({
      userId: id,
      email: '[forgotten]',
      firstName: '',
      joinedOn: '2024-02-29',
    });
    const bytes = await viewTableBytes(db);
    for (const secret of [EMAIL, FIRST_EMAIL, NAME])
      expect(bytes.includes(secret), `${secret} in the table`).toBe(false);
  });

  it('a user registered after a forget is projected as usual, and new events of others keep flowing', async () => {
    const id = await registerJane();
    await caughtUp(app, runner);
    await app.forget(id);
    const later = await app.register('later@example.com', 'Later');
    await caughtUp(app, runner);
    expect((await readView(app, directory(), (view) => view.get({ userId: later })))?.email).toBe('later@example.com');
    expect((await readView(app, directory(), (view) => view.get({ userId: id })))?.email).toBe('[forgotten]');
  });
});
