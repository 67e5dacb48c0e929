/**
 * Projections: catch-up speed and write → view latency of the ProjectionRunner, measured in the
 * same run as the baseline, a raw projection on the bare driver (better-sqlite3, pg) that reads
 * the log in pages of 1,000 and writes the same view (trick counts per dog) with one multi-row
 * upsert and the tracking update per transaction, doing no decoding it does not need.
 *
 * - P1 catch-up: N events (100,000 × EVENTFORGE_BENCH_SCALE) of DogSchool dogs from position 0,
 *   raw vs runner (batches of 1,000), alternating, 5 passes each after one warm-up pass of both
 *   (not counted), one application kept across passes as the raw side keeps its connection,
 *   medians → events/s and ratio;
 *   the runner with payloads read (the default), and with the projection saying it reads only
 *   envelopes (`payloads: false`, as the raw side reads no payload either);
 * - P2 latency: at the head, `app.save` of one event → `runner.wait(id)` resolved, 200 times →
 *   p50 / p99 (PostgreSQL woken by LISTEN/NOTIFY; SQLite by the in-process signal of the same
 *   process); on PostgreSQL beside a raw projection woken by the same NOTIFY on a bare connection;
 * - P3 latency across processes on SQLite: the save in another process (bench/projections/writer.ts),
 *   the runner woken by its data_version poll (every 50 ms) → p50 / p99, to hold against 50 ms + 2 ms.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DogSchool, Dog } from '../examples/dog-school.js';
import {
  createMemoryRecorder,
  ProjectionRunner,
  PROJECTION_UPSTREAM,
  type LoggedEvent,
  type Projection,
  type Recorder,
  type RecorderTransaction,
  type ViewDefinition,
  ViewProjection,
} from '../runtime/index.js';
import { createPostgresRecorder, createSqliteRecorder } from '../runtime/sql/index.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../test/sql/postgres-helpers.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const EVENTS_PER_DOG = 10;
const DOGS = Math.max(100, Math.round(10_000 * SCALE));
const N = DOGS * EVENTS_PER_DOG;
const BATCH = 1000;
const PASSES = 5;
const LATENCY_SAMPLES = 200;
/** P2 on PostgreSQL alternates runner and raw in this many blocks (the load changes within a run). */
const LATENCY_BLOCKS = 4;
const TRICK = 'DogSchool.Dog.TrickAdded';
const VIEW = 'CREATE TABLE IF NOT EXISTS dog_tricks (dog_id TEXT PRIMARY KEY, tricks INTEGER NOT NULL)';
const UPSERT_TAIL = ' ON CONFLICT (dog_id) DO UPDATE SET tricks = dog_tricks.tricks + excluded.tricks';

/** The view's upsert of one batch's counts, with `?` or `$n` placeholders. */
function upsert(counts: Map<string, number>, numbered: boolean): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const rows: string[] = [];
  for (const [dog, n] of counts) {
    params.push(dog, n);
    rows.push(numbered ? `($${params.length - 1}, $${params.length})` : '(?, ?)');
  }
  return { sql: `INSERT INTO dog_tricks (dog_id, tricks) VALUES ${rows.join(', ')}${UPSERT_TAIL}`, params };
}

/**
 * The runner's projection: the same counts, the same single upsert per batch. It reads only the
 * envelopes; `payloads` says whether it tells the runner so (then the log is read without them).
 */
class TrickCounts implements Projection {
  readonly name = 'BenchTricks';
  constructor(readonly payloads = true) {}
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events) {
      if (e.topic === TRICK) counts.set(e.event.originatorId, (counts.get(e.event.originatorId) ?? 0) + 1);
    }
    if (counts.size === 0) return;
    const { sql, params } = upsert(counts, tx.provider === 'postgresql');
    await tx.execute(sql, params);
  }
}

/** The same counts declared as a view, the way generated code declares one, run by the views' interpreter. */
const countsView: ViewDefinition<{ dogId: string; tricks: number }, { dogId: string }> = {
  name: 'BenchCountsView',
  table: 'bench_counts_view',
  shapeHash: 'bench',
  columns: [
    { name: 'dogId', column: 'dog_id', type: 'uuid', list: false, optional: false },
    { name: 'tricks', column: 'tricks', type: 'int', list: false, optional: false, default: 0 },
  ],
  key: ['dogId'],
  handlers: {
    [TRICK]: {
      kind: 'declarative',
      ops: [
        { op: 'upsert', values: { dogId: { envelope: 'id' } } },
        { op: 'increment', values: { dogId: { envelope: 'id' }, tricks: { constant: 1 } } },
      ],
    },
  },
  ddl: {
    sqlite: ['CREATE TABLE IF NOT EXISTS "bench_counts_view" ("dog_id" TEXT PRIMARY KEY, "tricks" INTEGER NOT NULL)'],
    postgresql: [
      'CREATE TABLE IF NOT EXISTS "bench_counts_view" ("dog_id" text PRIMARY KEY, "tricks" integer NOT NULL)',
    ],
  },
};

class CountsViewProjection extends ViewProjection<{ dogId: string; tricks: number }, { dogId: string }> {
  constructor() {
    super(countsView);
  }
}

const VIEW_RESET = [
  'DROP TABLE IF EXISTS bench_counts_view',
  'CREATE TABLE IF NOT EXISTS eventforge_views (name TEXT PRIMARY KEY, shape_hash TEXT NOT NULL)',
  "DELETE FROM eventforge_views WHERE name = 'BenchCountsView'",
  "DELETE FROM tracking WHERE application = 'BenchCountsView'",
];

/** The log's events in stored form: dogs of 10 events made by the real commands, in memory. */
async function storedLog(): Promise<Recorder> {
  const memory = createMemoryRecorder();
  const app = new DogSchool({ recorder: memory });
  for (let d = 0; d < DOGS; d++) {
    const dog = Dog.create({ name: `dog ${d}` });
    for (let t = 1; t < EVENTS_PER_DOG; t++) dog.addTrick(`trick ${t}`);
    await app.save(dog);
  }
  return memory;
}

async function copyLog(from: Recorder, to: Recorder): Promise<void> {
  for (let start = 1n; ; start += BigInt(BATCH)) {
    const page = await from.readNotifications({ start, limit: BATCH });
    if (page.length === 0) return;
    await to.append(page);
  }
}

interface Db {
  readonly name: 'sqlite' | 'postgresql';
  readonly url: string;
  /** The raw projection from position 0 to the head; resolves when done. */
  raw(): Promise<void>;
  /** Empties the view and both subjects' tracking. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function sqliteDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(VIEW);
  const select = db.prepare('SELECT id, stream_id, topic FROM events WHERE id > ? ORDER BY id LIMIT ?').raw();
  const track = db.prepare('UPDATE tracking SET notification_id = ? WHERE application = ? AND upstream = ?');
  return {
    name: 'sqlite',
    url: `file:${file}`,
    raw: async () => {
      db.prepare('INSERT INTO tracking (application, upstream, notification_id) VALUES (?, ?, 0)').run('Raw', 'log');
      let position = 0;
      for (;;) {
        const rows = select.all(position, BATCH) as [number, string, string][];
        if (rows.length === 0) return;
        const counts = new Map<string, number>();
        for (const [, dog, topic] of rows) if (topic === TRICK) counts.set(dog, (counts.get(dog) ?? 0) + 1);
        const last = rows[rows.length - 1]![0];
        db.transaction(() => {
          if (counts.size > 0) {
            const { sql, params } = upsert(counts, false);
            db.prepare(sql).run(...params);
          }
          track.run(last, 'Raw', 'log');
        }).immediate();
        position = last;
      }
    },
    reset: async () => {
      db.exec('DELETE FROM dog_tricks');
      db.prepare('DELETE FROM tracking WHERE application IN (?, ?)').run('Raw', 'BenchTricks');
      for (const statement of VIEW_RESET) db.exec(statement);
    },
    close: async () => void db.close(),
  };
}

async function postgresDb(schema: string): Promise<Db> {
  const client = new pg.Client(TEST_DATABASE_URL);
  await client.connect();
  await client.query(`SET search_path TO "${schema}"`);
  await client.query(VIEW);
  return {
    name: 'postgresql',
    url: `${TEST_DATABASE_URL}?schema=${schema}`,
    raw: async () => {
      await client.query("INSERT INTO tracking (application, upstream, notification_id) VALUES ('Raw', 'log', 0)");
      let position = '0';
      for (;;) {
        const { rows } = await client.query({
          name: 'raw_select',
          text: 'SELECT id, stream_id, topic FROM events WHERE id > $1 ORDER BY id LIMIT $2',
          values: [position, BATCH],
          rowMode: 'array',
        });
        if (rows.length === 0) return;
        const counts = new Map<string, number>();
        for (const [, dog, topic] of rows as [string, string, string][]) {
          if (topic === TRICK) counts.set(dog, (counts.get(dog) ?? 0) + 1);
        }
        const last = (rows[rows.length - 1] as [string])[0];
        await client.query('BEGIN');
        if (counts.size > 0) {
          const { sql, params } = upsert(counts, true);
          await client.query(sql, params);
        }
        await client.query({
          name: 'raw_track',
          text: "UPDATE tracking SET notification_id = $1 WHERE application = 'Raw' AND upstream = 'log'",
          values: [last],
        });
        await client.query('COMMIT');
        position = last;
      }
    },
    reset: async () => {
      // TRUNCATE, not DELETE: with autovacuum off here, dead rows would pile up pass after pass, and
      // each side would insert among more of them than the side before it.
      await client.query('TRUNCATE dog_tricks');
      await client.query("DELETE FROM tracking WHERE application IN ('Raw', 'BenchTricks')");
      for (const statement of VIEW_RESET) await client.query(statement);
    },
    close: async () => {
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/**
 * The runner from position 0 to the head; the time until it has processed the last event. The
 * application is opened once per database and kept across passes, as the raw side's connection
 * is: each side's connections and caches are as warm in every pass.
 */
async function runnerCatchUp(app: DogSchool, projection: Projection): Promise<number> {
  const runner = new ProjectionRunner(app, projection, { batchSize: BATCH });
  const started = performance.now();
  await runner.start();
  await runner.wait(BigInt(N), { timeout: 600_000 });
  const ms = performance.now() - started;
  await runner.stop();
  return ms;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function latency(url: string, count = LATENCY_SAMPLES): Promise<number[]> {
  const app = new DogSchool({ env: { DATABASE_URL: url } });
  const runner = new ProjectionRunner(app, new TrickCounts(), { batchSize: BATCH });
  await runner.start();
  await runner.wait(await app.log.maxId(), { timeout: 600_000 });
  const dogId = await app.registerDog('Latency');
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const dog = await app.dogs.get(dogId);
    dog.addTrick(`t${i}`);
    const started = performance.now();
    const [id] = await app.save(dog);
    await runner.wait(id!);
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 2));
  }
  await runner.stop();
  await app.close();
  return samples;
}

/**
 * The raw counterpart of P2 on PostgreSQL: a bare pg connection LISTENs on the log's channel
 * and, per notification, reads what is new and upserts it with the tracking update in one
 * transaction; the same `app.save` writes. Save → raw view updated, per sample.
 */
async function rawLatencyPostgres(url: string, schema: string, count = LATENCY_SAMPLES): Promise<number[]> {
  const app = new DogSchool({ env: { DATABASE_URL: url } });
  const dogId = await app.registerDog('RawLatency');
  const listener = new pg.Client(TEST_DATABASE_URL);
  const worker = new pg.Client(TEST_DATABASE_URL);
  await Promise.all([listener.connect(), worker.connect()]);
  await worker.query(`SET search_path TO "${schema}"`);
  let position = String((await worker.query('SELECT COALESCE(MAX(id), 0) AS max FROM events')).rows[0].max);
  await worker.query("DELETE FROM tracking WHERE application = 'RawLatency'");
  await worker.query("INSERT INTO tracking (application, upstream, notification_id) VALUES ('RawLatency', 'log', $1)", [
    position,
  ]);
  let reached: { id: bigint; resolve: () => void } | undefined;
  let draining = Promise.resolve();
  const drain = async () => {
    for (;;) {
      const { rows } = await worker.query({
        text: 'SELECT id, stream_id, topic FROM events WHERE id > $1 ORDER BY id LIMIT $2',
        values: [position, BATCH],
        rowMode: 'array',
      });
      if (rows.length === 0) break;
      const counts = new Map<string, number>();
      for (const [, dog, topic] of rows as [string, string, string][]) {
        if (topic === TRICK) counts.set(dog, (counts.get(dog) ?? 0) + 1);
      }
      const last = (rows[rows.length - 1] as [string])[0];
      await worker.query('BEGIN');
      if (counts.size > 0) {
        const { sql, params } = upsert(counts, true);
        await worker.query(sql, params);
      }
      await worker.query(
        "UPDATE tracking SET notification_id = $1 WHERE application = 'RawLatency' AND upstream = 'log'",
        [last],
      );
      await worker.query('COMMIT');
      position = last;
    }
    if (reached !== undefined && BigInt(position) >= reached.id) reached.resolve();
  };
  listener.on('notification', (message) => {
    if (message.payload === schema) draining = draining.then(drain);
  });
  await listener.query('LISTEN eventforge_log');
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const dog = await app.dogs.get(dogId);
    dog.addTrick(`raw ${i}`);
    const started = performance.now();
    // Not reachable until the save returns its id.
    const done = new Promise<void>((resolve) => (reached = { id: 2n ** 63n, resolve }));
    const [id] = await app.save(dog);
    reached = { id: id!, resolve: reached!.resolve };
    if (BigInt(position) >= id!) reached.resolve();
    await done;
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 2));
  }
  await draining;
  await Promise.all([listener.end(), worker.end()]);
  await app.close();
  return samples;
}

/** Saves in another process, woken here by the SQLite file's change counter only. */
async function crossProcessLatency(url: string): Promise<number[]> {
  const app = new DogSchool({ env: { DATABASE_URL: url } });
  const dogId = await app.registerDog('Remote');
  const runner = new ProjectionRunner(app, new TrickCounts(), { batchSize: BATCH, pollIntervalMs: 50 });
  await runner.start();
  await runner.wait(await app.log.maxId(), { timeout: 600_000 });
  const writer = spawn(
    process.execPath,
    [
      '--conditions=eventforge-source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'projections/writer.ts'),
      url,
      dogId,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: writer.stdout! })[Symbol.asyncIterator]();
  await lines.next(); // ready
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES / 4; i++) {
    writer.stdin!.write('save\n');
    const [id, savedAt] = String((await lines.next()).value).split(' ');
    await runner.wait(BigInt(id!));
    samples.push(performance.timeOrigin + performance.now() - Number(savedAt));
    // Saves land at random points of the poll interval.
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 50));
  }
  writer.stdin!.end('end\n');
  await new Promise((r) => writer.once('exit', r));
  await runner.stop();
  await app.close();
  return samples;
}

export default async function projectionsBench(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-projections-'));
  const log = await storedLog();
  const dbs: Db[] = [];
  const file = join(dir, 'projections.sqlite');
  const sqlite = await createSqliteRecorder({ filename: file });
  await copyLog(log, sqlite);
  await sqlite.close();
  dbs.push(sqliteDb(file));
  const skip = await postgresSkipReason();
  if (skip === undefined) {
    const schema = `ef_bench_proj_${process.pid}`;
    const postgres = await createPostgresRecorder({ url: `${TEST_DATABASE_URL}?schema=${schema}` });
    await copyLog(log, postgres);
    await postgres.close();
    dbs.push(await postgresDb(schema));
  } else report.log(`PostgreSQL skipped: ${skip}`);
  try {
    for (const db of dbs) {
      const raw: number[] = [];
      const ours: number[] = [];
      const envelopes: number[] = [];
      const declared: number[] = [];
      const app = new DogSchool({ env: { DATABASE_URL: db.url } });
      await app.recorder();
      // One pass of each side first, not counted: statements prepared, caches and plans warm on both.
      await db.reset();
      await db.raw();
      await db.reset();
      await runnerCatchUp(app, new TrickCounts());
      for (let pass = 0; pass < PASSES; pass++) {
        await db.reset();
        raw.push(await timed(() => db.raw()));
        await db.reset();
        ours.push(await runnerCatchUp(app, new TrickCounts()));
        await db.reset();
        envelopes.push(await runnerCatchUp(app, new TrickCounts(false)));
        await db.reset();
        declared.push(await runnerCatchUp(app, new CountsViewProjection()));
      }
      await app.close();
      const rawRate = N / (median(raw) / 1000);
      const ourRate = N / (median(ours) / 1000);
      report.add({
        workload: 'P1 catch-up',
        database: db.name,
        events: N,
        rawEventsPerSecond: Math.round(rawRate),
        runnerEventsPerSecond: Math.round(ourRate),
        ratio: Number((ourRate / rawRate).toFixed(2)),
        // Each pass ran raw then the runner back to back: one reading each.
        ratioPerPass: raw.map((r, i) => (r / ours[i]!).toFixed(2)).join(' '),
        msPerPass: raw.map((r, i) => `${r.toFixed(0)}/${ours[i]!.toFixed(0)}`).join(' '),
      });
      const envelopeRate = N / (median(envelopes) / 1000);
      report.add({
        workload: 'P1 catch-up, the projection saying it reads envelopes only (payloads: false)',
        database: db.name,
        events: N,
        rawEventsPerSecond: Math.round(rawRate),
        runnerEventsPerSecond: Math.round(envelopeRate),
        ratio: Number((envelopeRate / rawRate).toFixed(2)),
        ratioPerPass: raw.map((r, i) => (r / envelopes[i]!).toFixed(2)).join(' '),
      });
      const declaredRate = N / (median(declared) / 1000);
      report.add({
        workload: 'P1 catch-up, the same counts as a declared view (upsert + increment per event, folded per batch)',
        database: db.name,
        events: N,
        rawEventsPerSecond: Math.round(rawRate),
        viewEventsPerSecond: Math.round(declaredRate),
        ratio: Number((declaredRate / rawRate).toFixed(2)),
        ratioToHandWrittenUnderRunner: Number((declaredRate / ourRate).toFixed(2)),
      });
      // On PostgreSQL the runner and the raw projection alternate in blocks: each block's ratio is one reading.
      const blocks = db.name === 'postgresql' ? LATENCY_BLOCKS : 1;
      const samples: number[] = [];
      const rawSamples: number[] = [];
      const blockRatios: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const ours = await latency(db.url, LATENCY_SAMPLES / blocks);
        samples.push(...ours);
        if (db.name !== 'postgresql') continue;
        const theirs = await rawLatencyPostgres(db.url, db.url.split('schema=')[1]!, LATENCY_SAMPLES / blocks);
        rawSamples.push(...theirs);
        blockRatios.push(Number((percentile(ours, 0.5) / percentile(theirs, 0.5)).toFixed(2)));
      }
      report.add({
        workload: 'P2 write→view latency',
        database: db.name,
        samples: samples.length,
        p50Ms: Number(percentile(samples, 0.5).toFixed(2)),
        p99Ms: Number(percentile(samples, 0.99).toFixed(2)),
        wakeUp: db.name === 'postgresql' ? "LISTEN/NOTIFY, and this process's saves at once" : 'in-process signal',
      });
      if (db.name === 'postgresql') {
        report.add({
          workload: 'P2 write→view latency, raw LISTEN projection',
          database: db.name,
          samples: rawSamples.length,
          p50Ms: Number(percentile(rawSamples, 0.5).toFixed(2)),
          p99Ms: Number(percentile(rawSamples, 0.99).toFixed(2)),
          runnerP50Ratio: Number((percentile(samples, 0.5) / percentile(rawSamples, 0.5)).toFixed(2)),
          runnerP99Ratio: Number((percentile(samples, 0.99) / percentile(rawSamples, 0.99)).toFixed(2)),
          runnerP50RatioPerBlock: blockRatios.join(' '),
        });
      }
      if (db.name === 'sqlite') {
        const remote = await crossProcessLatency(db.url);
        report.add({
          workload: 'P3 write→view latency, writer in another process',
          database: db.name,
          samples: remote.length,
          p50Ms: Number(percentile(remote, 0.5).toFixed(2)),
          p99Ms: Number(percentile(remote, 0.99).toFixed(2)),
          wakeUp: 'data_version poll every 50 ms',
        });
      }
    }
  } finally {
    for (const db of dbs) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
