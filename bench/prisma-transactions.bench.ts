/**
 * What a save inside the user's Prisma transaction costs (issue 18 point 4; docs/prisma.md), on
 * one DogSchool and one PrismaClient sharing one driver adapter, SQLite file and PostgreSQL schema:
 *
 * - T1 save: a new dog (1 event) by `app.save` alone (the baseline) vs by `app.on(tx).save` in
 *   `prisma.$transaction`, and Prisma's own share: `$transaction` around one raw INSERT;
 * - T2 save + a row of the user's: `app.save` then the row through the client (two commits, the
 *   baseline: what one does without transactions) vs both in one `$transaction`, the save first
 *   and the row first (on PostgreSQL the latter takes the writers' key exclusively);
 * - T3 (PostgreSQL) 4 concurrent writers doing T2: saves per second of each way ÷ `app.save` alone.
 *
 * Subjects alternate within each pass; figures are medians of the passes, with the range of the
 * per-pass ratios: only ratios of one run mean anything on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { Dog, DogSchool } from '../examples/dog-school.js';
import type { PrismaTransactionClient } from '../runtime/recorder.js';
import {
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  shareAdapter,
  storeMigrationsDir,
} from '../runtime/sql/index.js';
import { generateStoreClient } from '../test/sql/store-client.js';
import { postgresReachable } from './persistence/stores.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const PASSES = 7;
const SAVES = Math.max(20, Math.round(100 * SCALE));
const WRITERS = 4;
const URL = process.env.EVENTFORGE_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

interface Client {
  $transaction<T>(work: (tx: PrismaTransactionClient) => Promise<T>): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $disconnect(): Promise<void>;
}
type ClientClass = new (options: { adapter: SqlDriverAdapterFactory }) => Client;

/** One save, in one of the ways compared. */
type Way = (app: DogSchool, prisma: Client, row: string) => Promise<unknown>;

const WAYS: Record<string, Way> = {
  'app.save': (app) => app.save(Dog.create({ name: 'Fido' })),
  'app.on(tx).save': (app, prisma) => prisma.$transaction((tx) => app.on(tx).save(Dog.create({ name: 'Fido' }))),
  // Prisma's own share: an interactive transaction around one raw INSERT, no eventforge in it.
  '$transaction of one row, no eventforge': (_app, prisma, row) =>
    prisma.$transaction(async (tx) => tx.$executeRawUnsafe(row, 'owner')),
  'app.save, then the row (two commits)': async (app, prisma, row) => {
    await app.save(Dog.create({ name: 'Fido' }));
    await prisma.$executeRawUnsafe(row, 'owner');
  },
  'save, then the row, in one transaction': (app, prisma, row) =>
    prisma.$transaction(async (tx) => {
      await app.on(tx).save(Dog.create({ name: 'Fido' }));
      await tx.$executeRawUnsafe(row, 'owner');
    }),
  'the row, then save, in one transaction': (app, prisma, row) =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(row, 'owner');
      await app.on(tx).save(Dog.create({ name: 'Fido' }));
    }),
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** µs per save of each way, per pass, the order of the ways rotating from pass to pass. */
async function passes(ways: readonly string[], run: (way: string) => Promise<number>): Promise<Map<string, number[]>> {
  const times = new Map(ways.map((w) => [w, [] as number[]]));
  for (const way of ways) await run(way); // warm-up
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < ways.length; i++) {
      const way = ways[(pass + i) % ways.length]!;
      const start = performance.now();
      const saves = await run(way);
      times.get(way)!.push(((performance.now() - start) * 1000) / saves);
    }
  }
  return times;
}

function reportRatios(
  report: BenchReport,
  database: string,
  bench: string,
  baseline: string,
  times: Map<string, number[]>,
  concurrent = false,
): void {
  const base = times.get(baseline)!;
  for (const [way, us] of times) {
    const ratios = us.map((t, i) => t / base[i]!);
    const r = (x: number) => Math.round(x * 100) / 100;
    report.add({
      case: bench,
      database,
      subject: way,
      ...(concurrent ? { savesPerSecond: Math.round(1e6 / median(us)) } : { usPerSave: Math.round(median(us)) }),
      // Time per save ÷ the baseline's: above 1 is slower (for saves per second, the inverse).
      ratio: r(median(us) / median(base)),
      ratioRange: `${r(Math.min(...ratios))}–${r(Math.max(...ratios))}`,
    });
  }
}

async function measure(report: BenchReport, database: string, app: DogSchool, prisma: Client, row: string) {
  const sequential = (ways: readonly string[]) =>
    passes(ways, async (way) => {
      for (let i = 0; i < SAVES; i++) await WAYS[way]!(app, prisma, row);
      return SAVES;
    });
  const t1 = ['app.save', 'app.on(tx).save', '$transaction of one row, no eventforge'];
  reportRatios(report, database, 'T1 save', 'app.save', await sequential(t1));
  const withRow = [
    'app.save, then the row (two commits)',
    'save, then the row, in one transaction',
    'the row, then save, in one transaction',
  ];
  reportRatios(report, database, 'T2 save + a row of the user', withRow[0]!, await sequential(withRow));
  if (database !== 'postgresql') return;
  const concurrent = await passes(['app.save', ...withRow], async (way) => {
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = 0; i < SAVES / WRITERS; i++) await WAYS[way]!(app, prisma, row);
      }),
    );
    return SAVES;
  });
  reportRatios(report, database, `T3 ${WRITERS} concurrent writers`, 'app.save', concurrent, true);
}

export default async function prismaTransactionsBench(report: BenchReport): Promise<void> {
  report.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const scratch = mkdtempSync(join(import.meta.dirname, '../.scratch-bench-prisma-'));
  try {
    const row = 'INSERT INTO owners (name) VALUES (?)';
    {
      const file = join(scratch, 'bench.db');
      await migrateSqliteFile(file, readMigrations(storeMigrationsDir('sqlite'), 'sqlite'));
      const setup = new (await import('better-sqlite3')).default(file);
      setup.exec('CREATE TABLE owners (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)');
      setup.close();
      const { PrismaClient } = (await import(generateStoreClient('sqlite', scratch))) as { PrismaClient: ClientClass };
      const adapter = shareAdapter(new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'unixepoch-ms' }));
      const prisma = new PrismaClient({ adapter });
      const app = new DogSchool({ adapter });
      try {
        await measure(report, 'sqlite', app, prisma, row);
      } finally {
        await app.close();
        await prisma.$disconnect();
      }
    }
    const unreachable = await postgresReachable(URL);
    if (unreachable !== undefined) {
      report.log(`PostgreSQL parts skipped: ${unreachable}`);
      return;
    }
    const schema = `ef_bench_prisma_${process.pid}`;
    const target = postgresTarget(URL, schema);
    await migratePostgres(target, readMigrations(storeMigrationsDir('postgresql'), 'postgresql'));
    const admin = new pg.Client(URL);
    await admin.connect();
    await admin.query(`CREATE TABLE "${schema}".owners (id serial PRIMARY KEY, name text NOT NULL)`);
    const { PrismaClient } = (await import(generateStoreClient('postgresql', scratch))) as {
      PrismaClient: ClientClass;
    };
    const adapter = shareAdapter(new PrismaPg({ ...target.config, max: WRITERS * 2 }, { schema }));
    const prisma = new PrismaClient({ adapter });
    const app = new DogSchool({ adapter });
    try {
      await measure(report, 'postgresql', app, prisma, `INSERT INTO "${schema}".owners (name) VALUES ($1)`);
    } finally {
      await app.close();
      await prisma.$disconnect();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
