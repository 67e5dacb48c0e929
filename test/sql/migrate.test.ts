/**
 * `eventforge migrate`: applies pending migrations offline, records them as Prisma Migrate does,
 * is idempotent, all-or-nothing, and refuses an edited history.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';
import {
  createPostgresRecorder,
  createSqliteRecorder,
  readMigrations,
  storeMigrationsDir,
} from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const root = join(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'eventforge-migrate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: root, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(['migrate', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A copy of the store's migrations folder of `provider`, plus extra migrations. */
function migrationsFolder(provider: 'sqlite' | 'postgresql', extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(temp, `${provider}-migrations-`));
  cpSync(storeMigrationsDir(provider), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const storeSql = (provider: 'sqlite' | 'postgresql') =>
  readFileSync(join(storeMigrationsDir(provider), '20261123000000_event_store/migration.sql'), 'utf8');
/** The store's own migrations, as shipped (PostgreSQL has one more: its gap-safe append). */
const shipped = (provider: 'sqlite' | 'postgresql') => readMigrations(storeMigrationsDir(provider), provider);
const STORE = shipped('sqlite').length;
const PG_STORE = shipped('postgresql').length;
const ADD_INDEX = '20270101000000_topic_index';
const ADD_INDEX_SQL = '-- CreateIndex\nCREATE INDEX "events_topic_idx" ON "events"("topic");\n';

describe('eventforge migrate on SQLite', () => {
  it("applies the store's migration once, records it as Prisma does, and a second run changes nothing", async () => {
    const file = join(temp, 'app.db');
    const first = await cli('--database', `file:${file}`);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('applied 20261123000000_event_store');
    const second = await cli('--database', `file:${file}`);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`up to date (${STORE} applied before)`);

    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare(
        'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM _prisma_migrations',
      )
      .all();
    db.close();
    expect(rows[0]).toEqual({
      migration_name: '20261123000000_event_store',
      checksum: sha256(storeSql('sqlite')),
      finished: 1,
      applied_steps_count: 1,
    });
    expect(rows).toEqual(
      shipped('sqlite').map((m) => ({
        migration_name: m.name,
        checksum: m.checksum,
        finished: 1,
        applied_steps_count: 1,
      })),
    );

    // The recorder sees the migration as applied and uses the tables.
    const recorder = await createSqliteRecorder({ filename: file });
    await recorder.append([
      { streamId: 's', version: 1, topic: 'T.A.E', schemaVersion: 1, timestamp: new Date(), state: Uint8Array.of(1) },
    ]);
    await recorder.close();
    expect((await cli('--database', `file:${file}`)).out).toContain('up to date');
  });

  it('--status reports applied and pending migrations, changes nothing, and exits 1 while some are pending', async () => {
    const file = join(temp, 'status.db');
    const before = await cli('--database', `file:${file}`, '--status');
    expect(before.code).toBe(1);
    expect(before.out).toContain('pending  20261123000000_event_store');
    expect(before.out).toContain(`0 applied, ${STORE} pending; run \`eventforge migrate\` to apply them`);
    expect(existsSync(file)).toBe(false); // not even created
    expect((await cli('--database', `file:${file}`)).code).toBe(0);
    const folder = migrationsFolder('sqlite', { [ADD_INDEX]: ADD_INDEX_SQL });
    const partly = await cli('--database', `file:${file}`, '--migrations', folder, '--status');
    expect(partly.code).toBe(1);
    expect(partly.out.split('\n').slice(0, STORE + 1)).toEqual([
      ...shipped('sqlite').map((m) => `applied  ${m.name}`),
      `pending  ${ADD_INDEX}`,
    ]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM _prisma_migrations').get()).toEqual({ n: STORE });
    db.close();
    const upToDate = await cli('--database', `file:${file}`, '--status');
    expect(upToDate.code).toBe(0);
    expect(upToDate.out).toContain(`${STORE} applied, 0 pending`);
  });

  it('applies only what is pending, keeping the data', async () => {
    const file = join(temp, 'grow.db');
    const recorder = await createSqliteRecorder({ filename: file }); // the embedded default migrated it
    await recorder.append([
      { streamId: 's', version: 1, topic: 'T.A.E', schemaVersion: 1, timestamp: new Date(), state: Uint8Array.of(1) },
    ]);
    await recorder.close();
    const folder = migrationsFolder('sqlite', { [ADD_INDEX]: ADD_INDEX_SQL });
    const run = await cli('--database', `file:${file}`, '--migrations', folder);
    expect(run.code).toBe(0);
    expect(run.out.split('\n')[0]).toBe(`applied ${ADD_INDEX}`);
    expect(run.out).toContain(`(${STORE} applied before)`);
    const db = new Database(file, { readonly: true });
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'events_topic_idx'").all(),
    ).toHaveLength(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();
    expect((await cli('--database', `file:${file}`, '--migrations', folder)).out).toContain(
      `up to date (${STORE + 1} applied before)`,
    );
  });

  it('refuses a history whose applied migration was edited, and applies nothing', async () => {
    const file = join(temp, 'edited.db');
    expect((await cli('--database', `file:${file}`)).code).toBe(0);
    const folder = migrationsFolder('sqlite', { [ADD_INDEX]: ADD_INDEX_SQL });
    const applied = join(folder, '20261123000000_event_store/migration.sql');
    writeFileSync(applied, readFileSync(applied, 'utf8') + '\n-- edited\n');
    const run = await cli('--database', `file:${file}`, '--migrations', folder);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/20261123000000_event_store was changed after it was applied/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM _prisma_migrations').get()).toEqual({ n: STORE });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'events_topic_idx'").all()).toEqual([]);
    db.close();
  });

  it('is all-or-nothing: a failing migration rolls back the whole run', async () => {
    const file = join(temp, 'broken.db');
    const folder = migrationsFolder('sqlite', {
      '20270202000000_broken': 'CREATE TABLE "oops" ("x" INTEGER);\nTHIS IS NOT SQL;\n',
    });
    const run = await cli('--database', `file:${file}`, '--migrations', folder);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/migration 20270202000000_broken failed: .*syntax error.*nothing of this run was applied/);
    const db = new Database(file, { readonly: true });
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'oops', '_prisma_migrations')",
      )
      .all();
    db.close();
    expect(tables).toEqual([]);
  });

  it('says which file is not a database', async () => {
    const file = join(temp, 'text.db');
    writeFileSync(file, 'hello, I am text '.repeat(100));
    const run = await cli('--database', `file:${file}`);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`eventforge migrate: SQLite ${file}: file is not a database`);
  });

  it('refuses migrations of the other provider and the in-memory store', async () => {
    const wrong = await cli(
      '--database',
      `file:${join(temp, 'wrong.db')}`,
      '--migrations',
      storeMigrationsDir('postgresql'),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/for postgresql, but the database is sqlite/);
    expect((await cli('--database', 'memory:')).code).toBe(2);
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`eventforge migrate on PostgreSQL${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('migrate');
  afterAll(() => schemas.dropAll());

  it('migrates a schema named in the URL, idempotently, and the recorder agrees', async () => {
    const schema = schemas.next();
    const url = `${TEST_DATABASE_URL}?schema=${schema}`;
    const first = await cli('--database', url);
    expect(first.code).toBe(0);
    expect(first.out).toContain('applied 20261123000000_event_store');
    const folder = migrationsFolder('postgresql', { [ADD_INDEX]: ADD_INDEX_SQL });
    const status = await cli('--database', url, '--migrations', folder, '--status');
    expect(status.code).toBe(1);
    expect(status.out).toContain(`pending  ${ADD_INDEX}`);
    expect((await cli('--database', url, '--migrations', folder)).out).toContain(`applied ${ADD_INDEX}`);
    expect((await cli('--database', url, '--migrations', folder)).out).toContain(
      `up to date (${PG_STORE + 1} applied before)`,
    );

    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    const rows = (
      await client.query(`SELECT migration_name, checksum FROM "${schema}"._prisma_migrations ORDER BY migration_name`)
    ).rows;
    await client.end();
    expect(rows[0]).toEqual({ migration_name: '20261123000000_event_store', checksum: sha256(storeSql('postgresql')) });
    expect(rows).toEqual([
      ...shipped('postgresql').map((m) => ({ migration_name: m.name, checksum: m.checksum })),
      { migration_name: ADD_INDEX, checksum: sha256(ADD_INDEX_SQL) },
    ]);
    const recorder = await createPostgresRecorder({ url });
    await recorder.append([
      { streamId: 's', version: 1, topic: 'T.A.E', schemaVersion: 1, timestamp: new Date(), state: Uint8Array.of(1) },
    ]);
    expect(await recorder.maxNotificationId()).toBe(1n);
    await recorder.close();
  });

  it('is all-or-nothing: a failing migration leaves not even the schema behind', async () => {
    const schema = schemas.next();
    const folder = migrationsFolder('postgresql', {
      '20270202000000_broken': 'CREATE TABLE "oops" ("x" INTEGER);\nTHIS IS NOT SQL;\n',
    });
    const run = await cli('--database', `${TEST_DATABASE_URL}?schema=${schema}`, '--migrations', folder);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/migration 20270202000000_broken failed: .*syntax error.*nothing of this run was applied/);
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    const found = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount;
    await client.end();
    expect(found).toBe(0);
  });

  it('two migrations at once: one applies, the other waits for its lock and finds nothing to do', async () => {
    const url = `${TEST_DATABASE_URL}?schema=${schemas.next()}`;
    const runs = await Promise.all([cli('--database', url), cli('--database', url)]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.map((r) => r.out.includes('applied 20261123000000_event_store')).sort()).toEqual([false, true]);
    expect(runs.filter((r) => r.out.includes(`up to date (${PG_STORE} applied before)`))).toHaveLength(1);
  });
});
