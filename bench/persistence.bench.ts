/**
 * Persistence workloads on SQLite (file, WAL) and PostgreSQL, each measured for
 * eventforge's recorder and for a raw-driver baseline in the same run, interleaved in small chunks
 * so machine noise falls on both alike:
 *
 * - W1: 2,000 new aggregates × 10 events, one atomic save each → events/s (p50/p99 per save);
 * - W2: 2,000 single-event saves to existing aggregates → p50/p99 per save;
 * - W3: 50 loads of one 1,000-event aggregate without (W3) and with a snapshot (W3-snapshot, taken
 *   at version 990, so a load reads the snapshot and 10 events) → events represented per second;
 * - W4: the whole log read in pages of 500 → events/s.
 *
 * The baseline `raw` is the raw driver doing the least that is correct, on the same tables (the
 * bundled migrations) and settings (WAL, synchronous=FULL): prepared statements and one multi-row
 * INSERT per save; on PostgreSQL one autocommit INSERT, atomic on its own but not gap-safe (the
 * limit). `raw-locked` (PostgreSQL) adds the table-lock protocol that makes the log gap-safe:
 * BEGIN, LOCK TABLE events IN EXCLUSIVE MODE, INSERT, COMMIT. `subject: 'eventforge'` is the
 * recorder driven with StoredEvents (codec cost is measured by the transcoder bench). W1 and W2
 * run once more on SQLite with synchronous=NORMAL (`database: 'sqlite-sync-normal'`), where no
 * fsync hides the CPU cost. `subject: 'prisma-client'` rows (W1, W2; SQLite with NORMAL, and
 * PostgreSQL) make the same saves through PrismaClient's `$queryRawUnsafe`, the alternative the
 * recorder's design rejects. `subject: 'eventforge-app'` rows run the workloads through the
 * application (applicationDriver), interleaved with the others like every subject.
 * `W1-4writers` (PostgreSQL) runs W1 with 4 concurrent writers: eventforge (one recorder, its
 * pool), raw and raw-locked. W5 (persistence/w5.ts, both databases): 4 writer processes save one
 * event at a time to 10 shared streams for 5 s with optimistic concurrency and retry, then every
 * stream is checked to hold 1..n exactly once → saves/s, median of EVENTFORGE_BENCH_W5_PASSES
 * (default 3) passes. EVENTFORGE_BENCH_PARTS picks parts (comma-separated: sqlite,
 * sqlite-sync-normal, postgresql, w1-4writers, w5-sqlite, w5-postgresql; default all) and
 * EVENTFORGE_BENCH_SUBJECTS the subjects of W1–W4 (e.g. raw,eventforge; default all). Set
 * EVENTFORGE_BENCH_SCALE=0.1 for a quick run and EVENTFORGE_BENCH_DATABASE_URL for another server.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresRecorder, createSqliteRecorder } from '../runtime/sql/index.js';
import type { StoredEvent, StoredSnapshot } from '../runtime/recorder.js';
import { DogBase, dogSchoolDomain } from '../generated/dog-school/index.js';
import { Application } from '../runtime/application.js';
import {
  eventforgeSubject,
  postgresReachable,
  prismaClientPostgres,
  prismaClientSqlite,
  rawPostgres,
  rawSqlite,
  type Saver,
  type Subject,
} from './persistence/stores.js';
import { runW5, type W5Subject } from './persistence/w5.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const AGGREGATES = Math.max(20, Math.round(2000 * SCALE));
const EVENTS_PER_AGGREGATE = 10;
const SINGLE_SAVES = Math.max(20, Math.round(2000 * SCALE));
const LONG_STREAM = 1000;
const LOADS = 50;
const PAGE = 500;
const CHUNK = 50;
const PG_URL = process.env.EVENTFORGE_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const payload = new TextEncoder().encode(
  JSON.stringify({ name: 'Fido', breed: 'labrador', tricks: ['sit', 'roll over'] }),
);

function stored(streamId: string, version: number): StoredEvent {
  return {
    streamId,
    version,
    topic: 'DogSchool.Dog.TrickAdded',
    schemaVersion: 2,
    timestamp: new Date(),
    state: payload,
  };
}

function snapshotOf(streamId: string, version: number): StoredSnapshot {
  return { streamId, version, topic: 'DogSchool.Dog', schemaVersion: 1, timestamp: new Date(), state: payload };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Per-subject latencies of one workload, gathered chunk by chunk, subjects alternating. */
class Timings {
  readonly ms = new Map<string, number[]>();
  add(subject: string, ms: number): void {
    let list = this.ms.get(subject);
    if (list === undefined) this.ms.set(subject, (list = []));
    list.push(ms);
  }
  report(report: BenchReport, workload: string, database: string, eventsPerOp: number): void {
    for (const [subject, list] of this.ms) {
      const total = list.reduce((a, b) => a + b, 0);
      const sorted = [...list].sort((a, b) => a - b);
      report.add({
        workload,
        database,
        subject,
        eventsPerSecond: Math.round((list.length * eventsPerOp) / (total / 1000)),
        p50Ms: Number(percentile(sorted, 50).toFixed(3)),
        p99Ms: Number(percentile(sorted, 99).toFixed(3)),
      });
    }
  }
}

async function timed(timings: Timings, subject: string, op: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await op();
  timings.add(subject, performance.now() - t);
}

/**
 * One subject seen by the workloads. Every subject does W1 and W2; those with `load` also W3 and
 * W4. Each call is one timed operation.
 */
interface Driver {
  /** W1: saves new aggregate number `a` with EVENTS_PER_AGGREGATE events. */
  saveNew(a: number): Promise<unknown>;
  /** W2: saves one more event to aggregate `i % AGGREGATES` (loading it first, if the subject must). */
  saveOne(i: number): Promise<unknown>;
  /** W3 setup: an aggregate of LONG_STREAM events. */
  prepareLong?(): Promise<void>;
  load?(): Promise<unknown>;
  snapshotLong?(): Promise<void>;
  /** W3-snapshot: the same load once a snapshot at version LONG_STREAM - 10 exists. */
  loadWithSnapshot?(): Promise<unknown>;
  /** W4: one page of the log from `start`; the last id and the row count. */
  readPage?(start: bigint): Promise<[bigint | undefined, number]>;
  close(): Promise<void>;
}

/** Only the saves of a subject (W1 and W2). */
function savesOnly(s: Subject): Saver {
  return { append: (events) => s.append(events), close: () => s.close() };
}

/** The recorder-level driver: StoredEvents straight into a Subject (eventforge's recorder or raw SQL). */
function storedEventDriver(s: Saver | Subject): Driver {
  const driver: Driver = {
    saveNew: (a) => s.append(Array.from({ length: EVENTS_PER_AGGREGATE }, (_, v) => stored(`dog-${a}`, v + 1))),
    saveOne: (i) => s.append([stored(`dog-${i % AGGREGATES}`, EVENTS_PER_AGGREGATE + 1 + Math.floor(i / AGGREGATES))]),
    close: () => s.close(),
  };
  if (!('readStream' in s)) return driver;
  return {
    ...driver,
    prepareLong: async () => {
      for (let v = 1; v <= LONG_STREAM; v += 100)
        await s.append(Array.from({ length: 100 }, (_, i) => stored('long-dog', v + i)));
    },
    load: () => s.readStream('long-dog'),
    snapshotLong: () => s.saveSnapshot(snapshotOf('long-dog', LONG_STREAM - 10)),
    loadWithSnapshot: () => s.loadFromSnapshot('long-dog'),
    readPage: (start) => s.readPage(start, PAGE),
  };
}

/** A dog with a public command, as applications write them. */
class BenchDog extends DogBase {
  addTrick(name: string): void {
    this.triggerTrickAdded({ trick: { name } });
  }
}

const TRICKS = ['sit', 'stay', 'roll over', 'play dead', 'fetch', 'beg', 'shake', 'spin', 'bow'];

/**
 * The application-level driver (`subject: 'eventforge-app'`): typed aggregates, generated codecs,
 * `app.save`, the typed repository and the decoded notification log. W2 is a whole command: load
 * the dog, add a trick, save.
 */
function applicationDriver(url: string): Driver {
  const app = new Application({ domains: [dogSchoolDomain], env: { DATABASE_URL: url }, snapshotEvery: { Dog: null } });
  const dogs = app.repository(BenchDog);
  const ids: string[] = [];
  const long = BenchDog.create({ name: 'Old Fido' });
  return {
    saveNew: (a) => {
      const dog = BenchDog.create({ name: 'Fido' });
      for (const t of TRICKS) dog.addTrick(t);
      ids[a] = dog.id;
      return app.save(dog);
    },
    saveOne: async (i) => {
      const dog = await dogs.get(ids[i % AGGREGATES]!);
      dog.addTrick('jump');
      await app.save(dog);
    },
    prepareLong: async () => {
      for (let v = 2; v <= LONG_STREAM; v++) {
        long.addTrick(`trick-${v}`);
        if (v % 100 === 0) await app.save(long);
      }
      await app.save(long);
    },
    load: () => dogs.get(long.id),
    snapshotLong: async () => void (await app.takeSnapshot(BenchDog, long.id, LONG_STREAM - 10)),
    loadWithSnapshot: () => dogs.get(long.id),
    readPage: async (start) => {
      const page = await app.log.select(start, PAGE);
      return [page.at(-1)?.id, page.length];
    },
    close: () => app.close(),
  };
}

/** Runs `ops` operations of each subject, alternating between subjects every CHUNK operations. */
async function interleaved(
  subjects: readonly (readonly [string, Driver])[],
  ops: number,
  timings: Timings,
  op: (d: Driver, i: number) => Promise<unknown>,
): Promise<void> {
  for (let from = 0; from < ops; from += CHUNK) {
    for (const [name, d] of subjects) {
      for (let i = from; i < Math.min(ops, from + CHUNK); i++) await timed(timings, name, () => op(d, i));
    }
  }
}

/** Runs W1–W4 against the subjects, interleaved, and reports one row per workload and subject. */
async function runWorkloads(report: BenchReport, database: string, drivers: Record<string, Driver>): Promise<void> {
  const only = process.env.EVENTFORGE_BENCH_SUBJECTS?.split(',');
  const all: [string, Driver][] = [];
  for (const [name, d] of Object.entries(drivers)) {
    if (only === undefined || only.includes(name)) all.push([name, d]);
    else await d.close();
  }
  const readers = all.filter(([, d]) => d.load !== undefined);
  for (const [, d] of all) for (let i = 0; i < 20; i++) await d.saveNew(AGGREGATES + i); // warm-up, other aggregates

  const w1 = new Timings();
  await interleaved(all, AGGREGATES, w1, (d, a) => d.saveNew(a));
  w1.report(report, 'W1', database, EVENTS_PER_AGGREGATE);
  const w2 = new Timings();
  await interleaved(all, SINGLE_SAVES, w2, (d, i) => d.saveOne(i));
  w2.report(report, 'W2', database, 1);

  if (readers.length > 0) {
    for (const [, d] of readers) await d.prepareLong!();
    const w3 = new Timings();
    await interleaved(readers, LOADS, w3, (d) => d.load!());
    w3.report(report, 'W3', database, LONG_STREAM);
    for (const [, d] of readers) await d.snapshotLong!();
    const w3s = new Timings();
    await interleaved(readers, LOADS, w3s, (d) => d.loadWithSnapshot!());
    w3s.report(report, 'W3-snapshot', database, LONG_STREAM);

    // W4: the whole log, twice per subject, alternating; events read per second of paging.
    const w4 = new Timings();
    const counts = new Map<string, number>();
    for (let round = 0; round < 2; round++) {
      for (const [name, d] of readers) {
        for (let start = 1n; ; ) {
          let last: bigint | undefined;
          let n = 0;
          await timed(w4, name, async () => ([last, n] = await d.readPage!(start)));
          counts.set(name, (counts.get(name) ?? 0) + n);
          if (last === undefined) break;
          start = last + 1n;
        }
      }
    }
    for (const [subject, list] of w4.ms) {
      const total = list.reduce((a, b) => a + b, 0);
      const sorted = [...list].sort((a, b) => a - b);
      report.add({
        workload: 'W4',
        database,
        subject,
        eventsPerSecond: Math.round(counts.get(subject)! / (total / 1000)),
        p50Ms: Number(percentile(sorted, 50).toFixed(3)),
        p99Ms: Number(percentile(sorted, 99).toFixed(3)),
      });
    }
  }
  for (const [, d] of all) await d.close();
}

/**
 * W1 with 4 concurrent writers (PostgreSQL): what the gap-safety lock costs when writers compete.
 * The writers of one subject run together, CHUNK / 2 saves each, then the next subject's.
 */
async function runConcurrentSaves(report: BenchReport, subjects: Record<string, readonly Saver[]>): Promise<void> {
  const timings = new Timings();
  const wall = new Map<string, number>();
  // The 4 writers together make AGGREGATES saves, as W1's one writer does.
  const saves = Math.ceil(AGGREGATES / 4);
  const perWriter = CHUNK / 2;
  for (let from = 0; from < saves; from += perWriter) {
    for (const [name, writers] of Object.entries(subjects)) {
      const start = performance.now();
      await Promise.all(
        writers.map(async (w, k) => {
          for (let a = from; a < Math.min(saves, from + perWriter); a++) {
            const events = Array.from({ length: EVENTS_PER_AGGREGATE }, (_, v) => stored(`w${k}-dog-${a}`, v + 1));
            await timed(timings, name, () => w.append(events));
          }
        }),
      );
      wall.set(name, (wall.get(name) ?? 0) + performance.now() - start);
    }
  }
  for (const [subject, list] of timings.ms) {
    const sorted = [...list].sort((a, b) => a - b);
    report.add({
      workload: 'W1-4writers',
      database: 'postgresql',
      subject,
      eventsPerSecond: Math.round((list.length * EVENTS_PER_AGGREGATE) / (wall.get(subject)! / 1000)),
      p50Ms: Number(percentile(sorted, 50).toFixed(3)),
      p99Ms: Number(percentile(sorted, 99).toFixed(3)),
    });
  }
  for (const writers of Object.values(subjects)) for (const w of writers) await w.close();
}

/** The parts EVENTFORGE_BENCH_PARTS may name (comma-separated); all when unset. */
const PARTS = ['sqlite', 'sqlite-sync-normal', 'postgresql', 'w1-4writers', 'w5-sqlite', 'w5-postgresql'] as const;

function chosenParts(): ReadonlySet<string> {
  const asked = process.env.EVENTFORGE_BENCH_PARTS;
  if (asked === undefined || asked.trim() === '') return new Set(PARTS);
  const names = asked.split(',').map((p) => p.trim());
  const unknown = names.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new Error(`EVENTFORGE_BENCH_PARTS: unknown part ${unknown.join(', ')}; the parts: ${PARTS.join(', ')}`);
  }
  return new Set(names);
}

const W5_OPTIONS = { passes: Number(process.env.EVENTFORGE_BENCH_W5_PASSES ?? '3'), seconds: 5 };

/**
 * Emmett's PostgreSQL event store as a W5 subject: a database of its own per run (Emmett keeps its
 * tables in `public`), created and migrated here, dropped at the end.
 */
function emmettW5(client: pg.Client, databases: string[]): W5Subject {
  const urlOf = (db: string) => {
    const url = new URL(PG_URL);
    url.pathname = `/${db}`;
    return url.toString();
  };
  return {
    subject: 'emmett',
    prepare: async () => {
      const db = `bench_emmett_${process.pid}_${databases.length}`;
      databases.push(db);
      await client.query(`CREATE DATABASE "${db}"`);
      const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
      const store = getPostgreSQLEventStore(urlOf(db));
      await store.schema.migrate();
      await store.close();
      return urlOf(db);
    },
    versions: async (target) => {
      const own = new pg.Client(target);
      await own.connect();
      try {
        const { rows } = await own.query({
          text: 'SELECT stream_id, stream_position FROM emt_messages',
          rowMode: 'array',
        });
        return (rows as [string, string][]).map((r): [string, number] => [r[0], Number(r[1])]);
      } finally {
        await own.end();
      }
    },
  };
}

export default async function persistence(report: BenchReport): Promise<void> {
  const parts = chosenParts();
  report.log(
    `scale ${SCALE}: W1 ${AGGREGATES}×${EVENTS_PER_AGGREGATE}, W2 ${SINGLE_SAVES}, W3 ${LOADS}×${LONG_STREAM}, W4 pages of ${PAGE}; ` +
      `parts ${[...parts].join(', ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-'));
  try {
    if (parts.has('sqlite')) {
      await runWorkloads(report, 'sqlite', {
        raw: storedEventDriver(rawSqlite(join(dir, 'raw.db'), 'full')),
        eventforge: storedEventDriver(
          eventforgeSubject(await createSqliteRecorder({ filename: join(dir, 'eventforge.db') })),
        ),
        'eventforge-app': applicationDriver(`file:${join(dir, 'application.db')}`),
      });
    }
    if (parts.has('sqlite-sync-normal')) {
      // Without an fsync per commit the saves show the CPU cost of each layer (reads are unaffected).
      const synchronous = 'normal';
      await runWorkloads(report, 'sqlite-sync-normal', {
        raw: storedEventDriver(savesOnly(rawSqlite(join(dir, 'raw-normal.db'), synchronous))),
        eventforge: storedEventDriver(
          savesOnly(
            eventforgeSubject(await createSqliteRecorder({ filename: join(dir, 'eventforge-normal.db'), synchronous })),
          ),
        ),
        'prisma-client': storedEventDriver(
          await prismaClientSqlite(join(dir, 'client-normal.db'), synchronous, join(dir, 'client')),
        ),
      });
    }
    if (parts.has('w5-sqlite')) {
      let run = 0;
      const file = (subject: string) => join(dir, `w5-${subject}-${run}.db`);
      await runW5(
        report,
        'sqlite',
        (['raw', 'eventforge'] as const).map((subject) => ({
          subject,
          prepare: async () => {
            run++;
            await (await createSqliteRecorder({ filename: file(subject) })).close();
            return file(subject);
          },
          versions: async (target) => {
            const db = new Database(target, { readonly: true });
            try {
              return db.prepare('SELECT stream_id, version FROM events').raw().all() as [string, number][];
            } finally {
              db.close();
            }
          },
        })),
        W5_OPTIONS,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (!['postgresql', 'w1-4writers', 'w5-postgresql'].some((p) => parts.has(p))) return;
  const unreachable = await postgresReachable(PG_URL);
  if (unreachable !== undefined) {
    report.log(`PostgreSQL skipped: ${PG_URL} unreachable (${unreachable})`);
    return;
  }
  const suffix = `${process.pid}_${Date.now()}`;
  const created: string[] = [];
  /** A fresh schema with the store's tables (the bundled migrations), dropped at the end. */
  const schema = async (name: string) => {
    const s = `bench_${name}_${suffix}_${created.length}`;
    created.push(s);
    await (await createPostgresRecorder({ url: PG_URL, schema: s })).close();
    return s;
  };
  try {
    if (parts.has('postgresql')) {
      const clientDir = mkdtempSync(join(tmpdir(), 'eventforge-bench-client-'));
      try {
        await runWorkloads(report, 'postgresql', {
          raw: storedEventDriver(await rawPostgres(PG_URL, await schema('raw'), false)),
          'raw-locked': storedEventDriver(await rawPostgres(PG_URL, await schema('rawl'), true)),
          eventforge: storedEventDriver(
            eventforgeSubject(await createPostgresRecorder({ url: PG_URL, schema: await schema('ef') })),
          ),
          'prisma-client': storedEventDriver(await prismaClientPostgres(PG_URL, await schema('client'), clientDir)),
          'eventforge-app': applicationDriver(`${PG_URL}?schema=${await schema('app')}`),
        });
      } finally {
        rmSync(clientDir, { recursive: true, force: true });
      }
    }
    if (parts.has('w1-4writers')) {
      const four = <T>(make: () => Promise<T>) => Promise.all([make(), make(), make(), make()]);
      const raw = await schema('craw');
      const locked = await schema('crawl');
      const shared = eventforgeSubject(await createPostgresRecorder({ url: PG_URL, schema: await schema('cef') }));
      await runConcurrentSaves(report, {
        raw: await four(() => rawPostgres(PG_URL, raw, false)),
        'raw-locked': await four(() => rawPostgres(PG_URL, locked, true)),
        // One recorder, as an application has: its pool serves the 4 concurrent writers.
        eventforge: [
          shared,
          ...Array.from(
            { length: 3 },
            (): Saver => ({ append: (e) => shared.append(e), close: async () => undefined }),
          ),
        ],
      });
    }
    if (parts.has('w5-postgresql')) {
      const client = new pg.Client(PG_URL);
      await client.connect();
      const databases: string[] = [];
      try {
        const ours = (['raw', 'raw-locked', 'eventforge'] as const).map(
          (subject): W5Subject => ({
            subject,
            prepare: async () => `${PG_URL}?schema=${await schema(`w5`)}`,
            versions: async (target) =>
              (
                await client.query({
                  text: `SELECT stream_id, version FROM "${new URL(target).searchParams.get('schema')}".events`,
                  rowMode: 'array',
                })
              ).rows as [string, number][],
          }),
        );
        await runW5(report, 'postgresql', [...ours, emmettW5(client, databases)], W5_OPTIONS);
      } finally {
        for (const db of databases) await client.query(`DROP DATABASE IF EXISTS "${db}"`);
        await client.end();
      }
    }
  } finally {
    const client = new pg.Client(PG_URL);
    await client.connect();
    for (const s of created) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  }
}
