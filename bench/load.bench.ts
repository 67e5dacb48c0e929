/**
 * Loads and application saves against the raw drivers, on SQLite (a file, WAL, synchronous=FULL)
 * and PostgreSQL (127.0.0.1, a fresh schema), every subject on the same tables and rows:
 *
 * - W3: load a 1,000-event DogSchool dog → p50 per load;
 * - W3-snapshot: load a dog with a snapshot at version 990 (the snapshot and 10 events);
 * - W4: read the log in pages of 500 → p50 per page (throughput ratio = raw p50 ÷ subject p50);
 * - S1: `app.save` of a new 10-event dog (made before the clock starts) vs `recorder.append` of
 *   the same stored events;
 * - S2 (SQLite): a command (`repository.get`, one event, `app.save`) vs raw read-then-append.
 *
 * Baselines, the raw driver doing the least that is correct: `raw` reads the rows of the load
 * with a prepared statement (better-sqlite3 in array mode / a named pg statement with pg's own
 * parsers) and turns each into a record with a Date (W3, W3-snapshot: the columns a load needs;
 * W4: every column); `raw-decoded` also parses each payload's JSON and folds the dog's state, as
 * a hand-written event-sourced load would. Subjects: `recorder` (readStream / latestSnapshot /
 * readNotifications), `app` (repository.get / app.log.select). Subjects run interleaved in chunks
 * of CHUNK operations, in PASSES passes; each pass gives a p50 per subject, and the rows report
 * the median over passes of p50 ÷ raw's p50 of the same pass. `npm run bench -- --only load`;
 * EVENTFORGE_BENCH_SCALE=0.2 for a quick look.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresReachable } from './persistence/stores.js';
import { DogBase, dogSchoolDomain } from '../generated/dog-school/index.js';
import { Application } from '../runtime/application.js';
import type { Recorder, StoredEvent } from '../runtime/recorder.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const LONG = 1000;
const SNAPSHOT_AT = 990;
const PAGE = 500;
const PASSES = 5;
const CHUNK = 10;
/** Operations per subject and pass: whole chunks. */
const LOADS = CHUNK * Math.max(2, Math.round(10 * SCALE));
const SAVES = CHUNK * Math.max(2, Math.round(20 * SCALE));
const DOGS = Math.max(200, Math.round(2000 * SCALE));
const PG_URL = process.env.EVENTFORGE_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

class BenchDog extends DogBase {
  addTrick(name: string): void {
    this.triggerTrickAdded({ trick: { name } });
  }
}

/** A new dog of `events` events, made by its commands. */
function newDog(events: number, prefix = 'trick'): BenchDog {
  const dog = BenchDog.create({ name: 'Fido' });
  for (let v = 2; v <= events; v++) dog.addTrick(`${prefix}-${v}`);
  return dog;
}

/** What the raw baselines do on one database. */
interface RawStore {
  /** The rows of a load, as records with Dates. */
  stream(id: string, after: number): Promise<RawRecord[]>;
  snapshot(id: string): Promise<RawRecord | undefined>;
  /** One page of the log, every column. */
  page(start: number): Promise<unknown[]>;
  /** Appends one event at `version`. */
  append(id: string, version: number, state: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

interface RawRecord {
  version: number;
  topic: string;
  schemaVersion: number;
  timestamp: Date;
  state: Uint8Array;
}

const LOAD_COLUMNS = 'version, topic, schema_version, "timestamp", state';
const ALL_COLUMNS = 'id, stream_id, version, topic, schema_version, "timestamp", state';
const INSERT = 'INSERT INTO events (stream_id, version, topic, schema_version, "timestamp", state) VALUES';

function rawSqlite(path: string): RawStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const stream = db
    .prepare(`SELECT ${LOAD_COLUMNS} FROM events WHERE stream_id = ? AND version > ? ORDER BY version`)
    .raw(true);
  const snapshot = db
    .prepare(`SELECT ${LOAD_COLUMNS} FROM snapshots WHERE stream_id = ? ORDER BY version DESC LIMIT 1`)
    .raw(true);
  const page = db.prepare(`SELECT ${ALL_COLUMNS} FROM events WHERE id >= ? ORDER BY id LIMIT ${PAGE}`).raw(true);
  const insert = db.prepare(`${INSERT} (?, ?, 'DogSchool.Dog.TrickAdded', 2, ?, ?)`);
  const record = (r: unknown[]): RawRecord => ({
    version: r[0] as number,
    topic: r[1] as string,
    schemaVersion: r[2] as number,
    timestamp: new Date(r[3] as number),
    state: r[4] as Buffer,
  });
  return {
    stream: async (id, after) => (stream.all(id, after) as unknown[][]).map(record),
    snapshot: async (id) => {
      const row = snapshot.get(id) as unknown[] | undefined;
      return row === undefined ? undefined : record(row);
    },
    page: async (start) =>
      (page.all(start) as unknown[][]).map((r) => ({
        id: r[0],
        streamId: r[1],
        ...record(r.slice(2)),
      })),
    append: async (id, version, state) => void insert.run(id, version, Date.now(), state),
    close: async () => void db.close(),
  };
}

async function rawPostgres(schema: string): Promise<RawStore> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema} -c TimeZone=UTC` });
  await client.connect();
  const rows = async (name: string, text: string, values: unknown[]): Promise<unknown[][]> =>
    (await client.query<unknown[]>({ name, text, values, rowMode: 'array' })).rows;
  const record = (r: unknown[]): RawRecord => ({
    version: r[0] as number,
    topic: r[1] as string,
    schemaVersion: r[2] as number,
    timestamp: r[3] as Date,
    state: r[4] as Buffer,
  });
  return {
    stream: async (id, after) =>
      (
        await rows(
          'stream',
          `SELECT ${LOAD_COLUMNS} FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version`,
          [id, after],
        )
      ).map(record),
    snapshot: async (id) => {
      const [row] = await rows(
        'snapshot',
        `SELECT ${LOAD_COLUMNS} FROM snapshots WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
        [id],
      );
      return row === undefined ? undefined : record(row);
    },
    page: async (start) =>
      (await rows('page', `SELECT ${ALL_COLUMNS} FROM events WHERE id >= $1 ORDER BY id LIMIT ${PAGE}`, [start])).map(
        (r) => ({ id: BigInt(r[0] as string), streamId: r[1], ...record(r.slice(2)) }),
      ),
    append: async (id, version, state) =>
      void (await client.query({
        name: 'append',
        text: `${INSERT} ($1, $2, 'DogSchool.Dog.TrickAdded', 2, $3, $4)`,
        values: [id, version, new Date().toISOString(), state],
      })),
    close: () => client.end(),
  };
}

interface RawDog {
  name: string;
  tricks: { name: string }[];
}

/** The hand-written load: each payload's JSON parsed and folded into one mutable state. */
function fold(records: readonly RawRecord[], from?: RawRecord): { version: number; modifiedOn?: Date; dog?: RawDog } {
  let dog: RawDog | undefined;
  if (from !== undefined) {
    const envelope = JSON.parse(Buffer.from(from.state).toString('utf8')) as { state: RawDog };
    dog = { name: envelope.state.name, tricks: envelope.state.tricks };
  }
  for (const r of records) {
    const data = JSON.parse(Buffer.from(r.state).toString('utf8')) as { name?: string; trick?: { name: string } };
    if (r.topic === 'DogSchool.Dog.Registered') dog = { name: data.name ?? '', tricks: [] };
    else if (dog !== undefined && data.trick !== undefined) dog.tricks.push(data.trick);
  }
  const last = records.at(-1) ?? from;
  return {
    version: last?.version ?? 0,
    ...(last === undefined ? {} : { modifiedOn: last.timestamp }),
    ...(dog && { dog }),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Subjects = Record<string, (i: number) => Promise<unknown>>;

/**
 * Runs `ops` operations of every subject per pass, interleaved in chunks, and reports per subject
 * the median over passes of (its p50 ÷ the baseline's p50) and the median p50 in ms.
 */
async function compare(
  report: BenchReport,
  workload: string,
  database: string,
  baseline: string,
  subjects: Subjects,
  ops: number,
): Promise<void> {
  const names = Object.keys(subjects);
  const p50s = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < CHUNK; i++) for (const n of names) await subjects[n]!(i); // warm-up
  let op = CHUNK;
  for (let pass = 0; pass < PASSES; pass++) {
    const times = new Map<string, number[]>(names.map((n) => [n, []]));
    for (let from = 0; from < ops; from += CHUNK) {
      // Alternate which subject goes first, so none always runs right after another's writes.
      const order = (from / CHUNK) % 2 === 0 ? names : [...names].reverse();
      const base = op;
      for (const n of order) {
        for (let i = 0; i < CHUNK; i++) {
          const start = performance.now();
          await subjects[n]!(base + i);
          times.get(n)!.push(performance.now() - start);
        }
      }
      op += CHUNK;
    }
    for (const n of names) p50s.get(n)!.push(median(times.get(n)!));
  }
  const base = p50s.get(baseline)!;
  for (const n of names) {
    const ratios = p50s.get(n)!.map((p, i) => p / base[i]!);
    report.add({
      workload,
      database,
      subject: n,
      p50Ms: Number(median(p50s.get(n)!).toFixed(3)),
      timeVsBaseline: Number(median(ratios).toFixed(2)),
      perPass: ratios.map((r) => r.toFixed(2)).join(' '),
      baseline,
    });
  }
}

/** The stored form of a 10-event dog, for the recorder's appends in S1. */
async function template(app: Application): Promise<StoredEvent[]> {
  const dog = newDog(10);
  await app.save(dog);
  return (await app.recorder()).readStream(dog.id);
}

async function runDatabase(report: BenchReport, database: string, url: string, raw: RawStore): Promise<void> {
  const app = new Application({ domains: [dogSchoolDomain], env: { DATABASE_URL: url }, snapshotEvery: { Dog: null } });
  const dogs = app.repository(BenchDog);
  const recorder: Recorder = await app.recorder();
  const long = newDog(LONG);
  const snapped = newDog(LONG, 'snap');
  for (const dog of [long, snapped]) await app.save(dog);
  await app.takeSnapshot(BenchDog, snapped.id, SNAPSHOT_AT);
  const ids: string[] = [];
  for (let i = 0; i < DOGS; i++) {
    const dog = newDog(10);
    ids.push(dog.id);
    await app.save(dog);
  }
  const head = Number(await recorder.maxNotificationId());
  const pages = Math.max(1, Math.floor(head / PAGE));
  const pageStart = (i: number) => 1 + (i % pages) * PAGE;

  await compare(
    report,
    'W3',
    database,
    'raw',
    {
      raw: () => raw.stream(long.id, 0),
      'raw-decoded': async () => fold(await raw.stream(long.id, 0)),
      recorder: () => recorder.readStream(long.id),
      app: () => dogs.get(long.id),
    },
    LOADS,
  );
  await compare(
    report,
    'W3-snapshot',
    database,
    'raw',
    {
      raw: async () => {
        const snapshot = await raw.snapshot(snapped.id);
        return [snapshot, await raw.stream(snapped.id, snapshot?.version ?? 0)];
      },
      'raw-decoded': async () => {
        const snapshot = await raw.snapshot(snapped.id);
        return fold(await raw.stream(snapped.id, snapshot?.version ?? 0), snapshot);
      },
      recorder: async () => {
        const snapshot = await recorder.latestSnapshot(snapped.id);
        return [snapshot, await recorder.readStream(snapped.id, { after: snapshot?.version ?? 0 })];
      },
      app: () => dogs.get(snapped.id),
    },
    LOADS,
  );
  await compare(
    report,
    'W4',
    database,
    'raw',
    {
      raw: (i) => raw.page(pageStart(i)),
      recorder: (i) => recorder.readNotifications({ start: BigInt(pageStart(i)), limit: PAGE }),
      app: (i) => app.log.select(BigInt(pageStart(i)), PAGE),
    },
    LOADS,
  );

  const stored = await template(app);
  // The dogs are made (their commands run) before the clock starts: S1 times the save alone.
  const unsaved = Array.from({ length: CHUNK + PASSES * SAVES }, () => newDog(10));
  await compare(
    report,
    'S1',
    database,
    'recorder',
    {
      // Random UUIDs as stream ids, as the app's dogs have: the index pages a save touches alike.
      recorder: () => {
        const streamId = randomUUID();
        return recorder.append(stored.map((e) => ({ ...e, streamId })));
      },
      app: (i) => app.save(unsaved[i]!),
    },
    SAVES,
  );

  if (database === 'sqlite') {
    const commandDogs = ids.slice(0, Math.floor(ids.length / 2));
    const rawDogs = ids.slice(Math.floor(ids.length / 2));
    const payload = Buffer.from(JSON.stringify({ trick: { name: 'jump' } }));
    await compare(
      report,
      'S2',
      database,
      'raw',
      {
        raw: async (i) => {
          const id = rawDogs[i % rawDogs.length]!;
          const { version } = fold(await raw.stream(id, 0));
          await raw.append(id, version + 1, payload);
        },
        app: async (i) => {
          const dog = await dogs.get(commandDogs[i % commandDogs.length]!);
          dog.addTrick('jump');
          await app.save(dog);
        },
      },
      SAVES,
    );
  }
  await app.close();
  await raw.close();
}

export default async function load(report: BenchReport): Promise<void> {
  report.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${PASSES} passes × ${LOADS} loads / ${SAVES} saves per subject, chunks of ${CHUNK}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-load-'));
  try {
    const file = join(dir, 'load.db');
    const app = new Application({ domains: [dogSchoolDomain], env: { DATABASE_URL: `file:${file}` } });
    await app.recorder(); // creates the tables the raw store opens
    await runDatabase(report, 'sqlite', `file:${file}`, rawSqlite(file));
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const unreachable = await postgresReachable(PG_URL);
  if (unreachable !== undefined) {
    report.log(`PostgreSQL skipped: ${PG_URL} unreachable (${unreachable})`);
    return;
  }
  const schema = `bench_load_${process.pid}_${Date.now()}`;
  try {
    const app = new Application({ domains: [dogSchoolDomain], env: { DATABASE_URL: `${PG_URL}?schema=${schema}` } });
    await app.recorder(); // creates the schema and tables
    await runDatabase(report, 'postgresql', `${PG_URL}?schema=${schema}`, await rawPostgres(schema));
    await app.close();
  } finally {
    const client = new pg.Client(PG_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  report.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
  );
}
