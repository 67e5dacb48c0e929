/**
 * Issue 18 point 2: an application on the user's driver adapter opens no pool or connection of
 * its own. Counted where the database sees them: PostgreSQL's pg_stat_activity (the pool's
 * connections carry an application_name of this test's), SQLite's open handles of the file in
 * /proc/self/fd. Each count has its control: the same work with the adapter not shared.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaTransactionClient } from '../../runtime/recorder.js';
import {
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  shareAdapter,
  storeMigrationsDir,
} from '../../runtime/sql/index.js';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { generateStoreClient } from '../sql/store-client.js';

interface StoreClient {
  $transaction<T>(work: (tx: PrismaTransactionClient) => Promise<T>): Promise<T>;
  readonly event: { count(): Promise<number> };
  $disconnect(): Promise<void>;
}
type ClientClass = new (options: { adapter: SqlDriverAdapterFactory }) => StoreClient;

const root = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(root, '.scratch-one-pool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Saves in Prisma transactions, plain saves and loads, and client queries, all at once. */
async function busy(
  prisma: StoreClient,
  school: DogSchool,
  hold: (tx: PrismaTransactionClient) => PromiseLike<unknown>,
) {
  await Promise.all([
    ...Array.from({ length: 6 }, () =>
      prisma.$transaction(async (tx) => {
        await hold(tx);
        await school.on(tx).save(Dog.create({ name: 'In a transaction' }));
      }),
    ),
    ...Array.from({ length: 6 }, async () => school.getDog(await school.registerDog('Plain'))),
    ...Array.from({ length: 6 }, () => prisma.event.count()),
  ]);
}

describe('one pool per process on PostgreSQL', () => {
  const schemas = new SchemaPool('onepool');
  let PrismaClient: ClientClass;
  let skip: string | undefined;
  beforeAll(async () => {
    skip = await postgresSkipReason();
    if (skip === undefined)
      PrismaClient = (
        (await import(generateStoreClient('postgresql', join(scratch, 'pg')))) as { PrismaClient: ClientClass }
      ).PrismaClient;
  }, 120_000);
  afterAll(() => schemas.dropAll());

  /** The most connections the database saw from the test's pool(s) while the work ran. */
  async function peakConnections(share: boolean): Promise<{ peak: number; after: number }> {
    const target = postgresTarget(TEST_DATABASE_URL, schemas.next());
    await migratePostgres(target, readMigrations(storeMigrationsDir('postgresql'), 'postgresql'));
    const name = `ef-${target.schema}`;
    const config = { ...target.config, application_name: name, max: 3 };
    const userAdapter = new PrismaPg(config, { schema: target.schema });
    const adapter = share ? shareAdapter(userAdapter) : userAdapter;
    const prisma = new PrismaClient({ adapter });
    // Not shared: the application gets the same settings in an adapter of its own, as two calls of `connect` would.
    const school = new DogSchool({ adapter: share ? adapter : new PrismaPg(config, { schema: target.schema }) });
    const monitor = new pg.Client(TEST_DATABASE_URL);
    await monitor.connect();
    const count = async () =>
      Number(
        (await monitor.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0]
          .n,
      );
    let peak = 0;
    let running = true;
    const watching = (async () => {
      while (running) {
        peak = Math.max(peak, await count());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await busy(prisma, school, (tx) => tx.$queryRawUnsafe('SELECT pg_sleep(0.2)::text'));
      peak = Math.max(peak, await count());
    } finally {
      running = false;
      await watching;
      await school.close();
      await prisma.$disconnect();
    }
    await expect.poll(count, { timeout: 5000 }).toBe(0);
    const after = await count();
    await monitor.end();
    return { peak, after };
  }

  it("the application's saves and loads run on the PrismaClient's pool: never more connections than its max", async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const shared = await peakConnections(true);
    const control = await peakConnections(false);
    console.log(`connections at most: shared adapter ${shared.peak}, not shared ${control.peak} (pool max 3 each)`);
    expect(shared.peak).toBeGreaterThan(0);
    expect(shared.peak).toBeLessThanOrEqual(3);
    expect(control.peak).toBeGreaterThan(3); // the test sees a second pool when there is one
    expect(shared.after).toBe(0); // closing both released the one pool
  }, 120_000);
});

describe('one connection per process on SQLite', () => {
  let PrismaClient: ClientClass;
  beforeAll(async () => {
    PrismaClient = (
      (await import(generateStoreClient('sqlite', join(scratch, 'sqlite')))) as { PrismaClient: ClientClass }
    ).PrismaClient;
  }, 120_000);

  /** Open handles of `file` in this process (each SQLite connection holds one). */
  const handles = (file: string) =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false; // closed meanwhile
      }
    }).length;

  async function connectionsOf(share: boolean): Promise<{ during: number; after: number }> {
    const file = join(scratch, `one-connection-${share}.db`);
    await migrateSqliteFile(file, readMigrations(storeMigrationsDir('sqlite'), 'sqlite'));
    const userAdapter = new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'unixepoch-ms' });
    const adapter = share ? shareAdapter(userAdapter) : userAdapter;
    const prisma = new PrismaClient({ adapter });
    const school = new DogSchool({
      adapter: share ? adapter : new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'unixepoch-ms' }),
    });
    let during: number;
    try {
      await busy(prisma, school, (tx) => tx.$queryRawUnsafe('SELECT 1'));
      during = handles(file);
    } finally {
      await school.close();
      await prisma.$disconnect();
    }
    return { during, after: handles(file) };
  }

  it("the application writes on the PrismaClient's connection; only its read-only connection is its own", async () => {
    const shared = await connectionsOf(true);
    const control = await connectionsOf(false);
    console.log(`handles of the file: shared adapter ${shared.during}, not shared ${control.during}`);
    expect(shared.during).toBe(2); // the shared connection and eventforge's read-only one
    expect(control.during).toBe(3);
    expect(shared.after).toBe(0);
  }, 120_000);
});
