/**
 * The whole recorder conformance suite on stores opened on a Prisma driver adapter the way a
 * Prisma user hands theirs over (`shareAdapter`, then `createRecorderOnAdapter`): on SQLite every
 * operation runs in an adapter transaction on the one connection; on PostgreSQL on the adapter's pool.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import type { Recorder } from '../../runtime/recorder.js';
import {
  createRecorderOnAdapter,
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  shareAdapter,
  storeMigrationsDir,
} from '../../runtime/sql/index.js';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-adapter-'));
let n = 0;
const pools: pg.Pool[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(pools.map((pool) => pool.end()));
});

describeRecorderConformance('SQLite on a shared Prisma adapter', async (options = {}) => {
  const filename = join(dir, `store-${++n}.db`);
  await migrateSqliteFile(filename, readMigrations(storeMigrationsDir('sqlite'), 'sqlite'));
  if (options.firstNotificationId !== undefined) {
    const db = new Database(filename);
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)`).run(options.firstNotificationId - 1n);
    db.close();
  }
  const adapter = shareAdapter(new PrismaBetterSqlite3({ url: filename }, { timestampFormat: 'unixepoch-ms' }));
  return createRecorderOnAdapter(adapter);
});

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`PostgreSQL on a Prisma adapter: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('adapterconf');
  afterAll(() => schemas.dropAll());
  describeRecorderConformance('PostgreSQL on a Prisma adapter', async (options = {}): Promise<Recorder> => {
    const target = postgresTarget(TEST_DATABASE_URL, schemas.next());
    await migratePostgres(target, readMigrations(storeMigrationsDir('postgresql'), 'postgresql'));
    if (options.firstNotificationId !== undefined) {
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      await client.query(
        `ALTER SEQUENCE "${target.schema}"."events_id_seq" RESTART WITH ${options.firstNotificationId}`,
      );
      await client.end();
    }
    // A pool per test, ended only after all of them: idle connections close at once, or the
    // suite's ~140 pools (a save and its NOTIFY may hold two connections each) exhaust the server.
    const pool = new pg.Pool({ ...target.config, max: 4, idleTimeoutMillis: 100 });
    pools.push(pool);
    return createRecorderOnAdapter(new PrismaPg(pool, { schema: target.schema }));
  });
}
