/**
 * kill -9 during `eventforge migrate`, on SQLite and on PostgreSQL: the database is left with
 * either the old schema or the new one (never a part of the new migration, never a history row
 * without its tables), and a rerun completes. The migration is large (it creates and fills many
 * tables) so that it runs long enough to be killed in the middle; the test watches the database
 * for the migration's lock (SQLite's write lock, PostgreSQL's advisory lock 72707369) and kills
 * the real CLI process at increasing delays after it appears. It prints how many kills landed
 * while the migration's transaction was open.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';
import {
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  storeMigrationsDir,
  type Provider,
} from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const root = join(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'eventforge-migrate-kill-'));
const schemas = new SchemaPool('kill');
afterAll(async () => {
  rmSync(temp, { recursive: true, force: true });
  await schemas.dropAll();
});

const BULK = '20990101000000_bulk';
const BULK_TABLES = 30;
const BULK_ROWS = 1500;
/** Kill delays after the migration's lock is first seen, in ms. */
const DELAYS = [0, 10, 40, 100, 250, 600];

/** A migration that creates and fills BULK_TABLES tables, one statement after another. */
function bulkSql(provider: Provider): string {
  const statements: string[] = [];
  for (let t = 0; t < BULK_TABLES; t++) {
    statements.push(`CREATE TABLE "bulk_${t}" ("id" INTEGER PRIMARY KEY, "v" TEXT NOT NULL);`);
    statements.push(
      provider === 'sqlite'
        ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BULK_ROWS}) INSERT INTO "bulk_${t}" SELECT i, hex(randomblob(16)) FROM n;`
        : `INSERT INTO "bulk_${t}" SELECT i, md5(i::text) FROM generate_series(1, ${BULK_ROWS}) AS i;`,
    );
    statements.push(`CREATE INDEX "bulk_${t}_v" ON "bulk_${t}" ("v");`);
  }
  return statements.join('\n') + '\n';
}

/** The store's migrations of `provider` plus the bulk one. */
function migrationsFolder(provider: Provider): string {
  const dir = join(temp, `${provider}-migrations`);
  cpSync(storeMigrationsDir(provider), dir, { recursive: true });
  mkdirSync(join(dir, BULK), { recursive: true });
  writeFileSync(join(dir, BULK, 'migration.sql'), bulkSql(provider));
  return dir;
}

/** What a database holds: its tables and its finished migrations. */
interface SchemaState {
  readonly tables: string[];
  readonly history: string[];
  readonly unfinished: number;
  readonly bulkRows: number;
}

/** The store's tables; PostgreSQL also holds the workers' leases and their fences. */
const OLD_TABLES = {
  sqlite: ['_prisma_migrations', 'data_keys', 'events', 'forget_watermarks', 'parked_events', 'snapshots', 'tracking'],
  postgresql: [
    '_prisma_migrations',
    'data_keys',
    'events',
    'forget_watermarks',
    'leases',
    'parked_events',
    'snapshots',
    'tracking',
    'tracking_fences',
  ],
};
const newTables = (provider: Provider) =>
  [...OLD_TABLES[provider], ...Array.from({ length: BULK_TABLES }, (_, t) => `bulk_${t}`)].sort();

/** The store's own migrations of `provider`: the old schema. */
const storeNames = (provider: Provider) => readMigrations(storeMigrationsDir(provider), provider).map((m) => m.name);

/** 'old' or 'new' when the state is exactly one of them; otherwise the state itself, to show. */
function classify(state: SchemaState, provider: Provider): 'old' | 'new' | SchemaState {
  const store = storeNames(provider);
  const tables = [...state.tables].sort();
  if (
    state.unfinished === 0 &&
    JSON.stringify(tables) === JSON.stringify([...OLD_TABLES[provider]].sort()) &&
    state.history.join() === store.join()
  )
    return 'old';
  if (
    state.unfinished === 0 &&
    JSON.stringify(tables) === JSON.stringify(newTables(provider)) &&
    state.history.join() === [...store, BULK].join() &&
    state.bulkRows === BULK_TABLES * BULK_ROWS
  ) {
    return 'new';
  }
  return state;
}

/** How one kill went. */
interface Kill {
  readonly delay: number;
  /** The migration's lock was held just before the kill: its transaction was open. */
  readonly midMigration: boolean;
  /** The CLI finished before it could be killed. */
  readonly finished: boolean;
}

/**
 * Runs `eventforge migrate` as a process, waits until `lockHeld` says its transaction is open,
 * waits `delay` ms more and kills it with SIGKILL.
 */
async function killDuringMigrate(
  database: string,
  folder: string,
  delay: number,
  lockHeld: () => Promise<boolean>,
): Promise<Kill> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'bin/eventforge.js'), 'migrate', '--database', database, '--migrations', folder],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !(await lockHeld())) await new Promise((resolve) => setImmediate(resolve));
  if (!done && delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const midMigration = !done && (await lockHeld());
  const finished = done;
  child.kill('SIGKILL');
  await exited;
  return { delay, midMigration, finished };
}

async function rerun(database: string, folder: string): Promise<number> {
  const io: CliIo = { cwd: root, out: () => undefined, err: () => undefined };
  return main(['migrate', '--database', database, '--migrations', folder], io);
}

describe('kill -9 during eventforge migrate on SQLite', () => {
  it('leaves the old or the new schema every time, and a rerun completes', async () => {
    const folder = migrationsFolder('sqlite');
    const first = readMigrations(folder, 'sqlite').filter((m) => m.name !== BULK);
    const kills: Kill[] = [];
    for (const [i, delay] of DELAYS.entries()) {
      const file = join(temp, `kill-${i}.sqlite`);
      await migrateSqliteFile(file, first); // the old schema
      const probe = new Database(file, { timeout: 0 });
      // The migration holds SQLite's write lock from BEGIN IMMEDIATE to COMMIT.
      const lockHeld = async () => {
        try {
          probe.exec('BEGIN IMMEDIATE');
          probe.exec('ROLLBACK');
          return false;
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
          throw error;
        }
      };
      const kill = await killDuringMigrate(`file:${file}`, folder, delay, lockHeld);
      kills.push(kill);
      const state = (): SchemaState => {
        const tables = (
          probe.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
            name: string;
          }[]
        ).map((r) => r.name);
        const history = probe
          .prepare('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name')
          .all() as { migration_name: string; finished_at: unknown }[];
        const bulkRows = tables
          .filter((t) => t.startsWith('bulk_'))
          .reduce((n, t) => n + (probe.prepare(`SELECT count(*) AS c FROM "${t}"`).get() as { c: number }).c, 0);
        return {
          tables,
          history: history.map((h) => h.migration_name),
          unfinished: history.filter((h) => h.finished_at === null).length,
          bulkRows,
        };
      };
      const after = classify(state(), 'sqlite');
      expect(after === 'old' || after === 'new', `kill ${i} (after ${delay} ms) left ${JSON.stringify(after)}`).toBe(
        true,
      );
      if (kill.midMigration) expect(after).toBe('old');
      expect(await rerun(`file:${file}`, folder)).toBe(0);
      expect(classify(state(), 'sqlite')).toBe('new');
      probe.close();
    }
    report('SQLite', kills);
    expect(kills.some((k) => k.midMigration)).toBe(true);
  }, 300_000);
});

const postgresSkip = await postgresSkipReason();
describe.skipIf(postgresSkip !== undefined)(
  `kill -9 during eventforge migrate on PostgreSQL${postgresSkip === undefined ? '' : `: ${postgresSkip}`}`,
  () => {
    it('leaves the old or the new schema every time, and a rerun completes', async () => {
      const folder = migrationsFolder('postgresql');
      const first = readMigrations(folder, 'postgresql').filter((m) => m.name !== BULK);
      const probe = new pg.Client(TEST_DATABASE_URL);
      await probe.connect();
      const kills: Kill[] = [];
      try {
        for (const [i, delay] of DELAYS.entries()) {
          const schema = schemas.next();
          const url = `${TEST_DATABASE_URL}?schema=${schema}`;
          await migratePostgres(postgresTarget(url), first); // the old schema
          // The migration's transaction holds the advisory lock Prisma Migrate uses; this test file is its only other user.
          const holder = async () =>
            (await probe.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND granted`))
              .rows.length > 0;
          const kill = await killDuringMigrate(url, folder, delay, holder);
          kills.push(kill);
          // The server rolls the killed client's transaction back when it notices the closed socket.
          while (await holder()) await new Promise((resolve) => setTimeout(resolve, 10));
          const state = async (): Promise<SchemaState> => {
            const tables = (
              await probe.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema])
            ).rows.map((r: { tablename: string }) => r.tablename);
            const history = (
              await probe.query(
                `SELECT migration_name, finished_at FROM "${schema}"._prisma_migrations ORDER BY migration_name`,
              )
            ).rows as { migration_name: string; finished_at: unknown }[];
            let bulkRows = 0;
            for (const t of tables.filter((t) => t.startsWith('bulk_')))
              bulkRows += Number((await probe.query(`SELECT count(*) AS c FROM "${schema}"."${t}"`)).rows[0].c);
            return {
              tables,
              history: history.map((h) => h.migration_name),
              unfinished: history.filter((h) => h.finished_at === null).length,
              bulkRows,
            };
          };
          const after = classify(await state(), 'postgresql');
          expect(
            after === 'old' || after === 'new',
            `kill ${i} (after ${delay} ms) left ${JSON.stringify(after)}`,
          ).toBe(true);
          if (kill.midMigration) expect(after).toBe('old');
          expect(await rerun(url, folder)).toBe(0);
          expect(classify(await state(), 'postgresql')).toBe('new');
        }
      } finally {
        await probe.end();
      }
      report('PostgreSQL', kills);
      expect(kills.some((k) => k.midMigration)).toBe(true);
    }, 300_000);
  },
);

function report(store: string, kills: readonly Kill[]): void {
  const mid = kills.filter((k) => k.midMigration).length;
  const finished = kills.filter((k) => k.finished).length;
  console.log(
    `${store}: ${kills.length} kills; ${mid} landed mid-migration (transaction open), ${finished} after the CLI had finished, ` +
      `${kills.length - mid - finished} between its commit and its exit; delays ${kills.map((k) => `${k.delay}${k.midMigration ? '*' : ''}`).join(' ')}`,
  );
}
