/**
 * Systems, point 8: the shop's chain of three applications (examples/shop.ts without its view),
 * Orders → Reservations → Payments, processing 10,000 `placeOrder` commands, on SQLite files and
 * PostgreSQL schemas (one store per application).
 *
 * - Throughput, end to end: commands per second from the first command until Payments has
 *   charged the last order, under the single-threaded and the concurrent runner, against the
 *   raw baseline of the same run (pipeline/raw.ts: the bare driver inserting each command's
 *   row in a transaction of its own, then two hand-written loops, each reading a batch of 1,000
 *   upstream rows and inserting the downstream rows with the tracking record in one
 *   transaction: the fewest commits the chain can make).
 * - Latency: from a command to the last downstream event (the order's charge stored and, for
 *   the concurrent runner, seen by a subscriber of Payments' log), one command at a time; p50
 *   and p99 against the raw chain (the command's row, then one transaction per stage).
 *
 * Subjects alternate within each pass; 3 passes; medians with the range of the passes.
 * The third runner, on PostgreSQL: 3 worker processes (`eventforge run … --worker`, the default
 * lease TTL of 5 s), commands through a `WorkerRunner` in the bench's process.
 *
 * `EVENTFORGE_BENCH_PIPELINE=postgresql` (or `sqlite`) runs one database only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Orders, Payments, Reservations } from '../examples/shop.js';
import {
  type Application,
  type ApplicationClass,
  type ApplicationOptions,
  ConcurrentRunner,
  SingleThreadedRunner,
} from '../runtime/index.js';
import { createPostgresRecorder } from '../runtime/sql/index.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../test/sql/postgres-helpers.js';
import { SpawnedWorkers } from '../test/system/worker-processes.js';
import { openRawPipeline, type RawPipeline, SKUS, STOCK_PER_SKU, orderOf } from './pipeline/raw.js';
import { pipeline } from './pipeline/system.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const COMMANDS = Math.max(300, Math.round(10_000 * SCALE));
const LATENCY_SAMPLES = Math.max(50, Math.round(500 * SCALE));
const PASSES = 3;
const NAMES = ['Orders', 'Reservations', 'Payments'] as const;
const ONLY_DATABASE = process.env.EVENTFORGE_BENCH_PIPELINE;
const SYSTEM_MODULE = join(import.meta.dirname, 'pipeline/system.ts');

/** A runner of the pipeline. */
interface PipelineRunner {
  start(): Promise<void>;
  get<A extends Application>(cls: ApplicationClass<A>): A;
  quiet(options: { timeout: number }): Promise<void>;
  stop(): Promise<void>;
}

interface RunnerSubject {
  readonly label: string;
  /** Only these databases (worker processes need PostgreSQL). */
  readonly databases?: readonly Database['label'][];
  make(applicationOptions: (name: string) => ApplicationOptions): PipelineRunner;
}

/**
 * The third runner: the followers in 3 worker processes holding leases in PostgreSQL (two
 * followers: two workers own one each, the third stands by), started before the clock starts.
 */
const WORKER_VARIANT: RunnerSubject = {
  label: 'worker processes',
  databases: ['postgresql'],
  make: (applicationOptions) =>
    new SpawnedWorkers('pipeline', pipeline, { applicationOptions }, 3, 5000, SYSTEM_MODULE),
};

const RUNNERS: RunnerSubject[] = [
  {
    label: 'single-threaded',
    make: (applicationOptions) => new SingleThreadedRunner(pipeline, { applicationOptions }),
  },
  { label: 'concurrent', make: (applicationOptions) => new ConcurrentRunner(pipeline, { applicationOptions }) },
  WORKER_VARIANT,
];

/** A database to run on: fresh stores (one per application) per measurement. */
interface Database {
  readonly label: 'sqlite' | 'postgresql';
  /** URLs of fresh, migrated, empty stores by application name; `drop` removes them. */
  fresh(): Promise<{ urlOf: (name: string) => string; drop: () => Promise<void> }>;
}

let freshCount = 0;
const databases: Database[] = [
  {
    label: 'sqlite',
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-pipeline-'));
      return {
        urlOf: (name) => `file:${join(dir, `${name}.sqlite`)}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    label: 'postgresql',
    fresh: async () => {
      const schemaOf = new Map(
        NAMES.map((name) => [name as string, `ef_bench_pipe_${process.pid}_${++freshCount}_${name.toLowerCase()}`]),
      );
      const urlOf = (name: string) => `${TEST_DATABASE_URL}?schema=${schemaOf.get(name)}`;
      // Migrated before the clock starts, as the runners' stores are opened before it.
      for (const name of NAMES) await (await createPostgresRecorder({ url: urlOf(name) })).close();
      return {
        urlOf,
        drop: async () => {
          const { default: pg } = await import('pg');
          const client = new pg.Client(TEST_DATABASE_URL);
          await client.connect();
          for (const schema of schemaOf.values()) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  },
];

/** Starts the runner on fresh stores with the stock in place; its applications. */
async function startPipeline(subject: RunnerSubject, urlOf: (name: string) => string) {
  const runner = subject.make((name) => ({ env: { DATABASE_URL: urlOf(name) } }));
  await runner.start();
  const reservations = runner.get(Reservations);
  for (const sku of SKUS) await reservations.receive(sku, STOCK_PER_SKU);
  return { runner, orders: runner.get(Orders), payments: runner.get(Payments) };
}

/** How many charges Payments stored: every order must have been charged once. */
async function countCharges(payments: Payments): Promise<number> {
  let charges = 0;
  for await (const _ of payments.log.readAll()) charges++;
  return charges;
}

/** Seconds from the first command until the last charge is stored. */
async function throughput(subject: RunnerSubject, urlOf: (name: string) => string): Promise<number> {
  const { runner, orders, payments } = await startPipeline(subject, urlOf);
  try {
    const started = performance.now();
    for (let i = 0; i < COMMANDS; i++) await orders.placeOrder(orderOf(i), { requestId: `r-${i}` });
    await runner.quiet({ timeout: 1_800_000 });
    const seconds = (performance.now() - started) / 1000;
    const charges = await countCharges(payments);
    if (charges !== COMMANDS) throw new Error(`${subject.label}: ${charges} charges for ${COMMANDS} orders`);
    return seconds;
  } finally {
    await runner.stop();
  }
}

/**
 * Milliseconds from each command to its charge, one command at a time. A subscriber of
 * Payments' log sees each charge (woken by the store's log signal); with the single-threaded
 * runner the command returns once the charge is stored, and the subscriber has it by then.
 */
async function latencies(subject: RunnerSubject, urlOf: (name: string) => string): Promise<number[]> {
  const { runner, orders, payments } = await startPipeline(subject, urlOf);
  const charged = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const subscription = payments.log.subscribe({ after: await payments.log.maxId() });
  const seeing = (async () => {
    for await (const { event } of subscription) {
      const orderId = (event.data as { orderId: string }).orderId;
      charged.set(orderId, performance.now());
      waiting.get(orderId)?.();
    }
  })();
  try {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const started = performance.now();
      const id = await orders.placeOrder(orderOf(i), { requestId: `r-${i}` });
      if (!charged.has(id)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${subject.label}: order ${i} not charged within 10 s`)),
            10_000,
          );
          waiting.set(id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      samples.push(charged.get(id)! - started);
      waiting.delete(id);
    }
    return samples;
  } finally {
    await subscription.return();
    await seeing;
    await runner.stop();
  }
}

async function rawThroughput(raw: RawPipeline): Promise<number> {
  const started = performance.now();
  await raw.run(COMMANDS);
  return (performance.now() - started) / 1000;
}

async function rawLatencies(raw: RawPipeline): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const started = performance.now();
    await raw.one(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** One measurement on fresh stores, dropped after. */
async function onFresh<T>(database: Database, work: (urlOf: (name: string) => string) => Promise<T>): Promise<T> {
  const { urlOf, drop } = await database.fresh();
  try {
    return await work(urlOf);
  } finally {
    await drop();
  }
}

async function withRaw<T>(database: Database, work: (raw: RawPipeline) => Promise<T>): Promise<T> {
  return onFresh(database, async (urlOf) => {
    const raw = await openRawPipeline(database.label, (name) => urlOf(name));
    try {
      return await work(raw);
    } finally {
      await raw.close();
    }
  });
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export default async function pipelineBench(report: BenchReport): Promise<void> {
  const skip = await postgresSkipReason();
  if (skip !== undefined) report.log(`PostgreSQL skipped: ${skip}`);
  for (const database of databases) {
    if (database.label === 'postgresql' && skip !== undefined) continue;
    if (ONLY_DATABASE !== undefined && ONLY_DATABASE !== database.label) continue;
    const runners = RUNNERS.filter((r) => r.databases === undefined || r.databases.includes(database.label));
    const seconds = new Map<string, number[]>([
      ['raw', []],
      ...runners.map((r) => [r.label, []] as [string, number[]]),
    ]);
    const p50 = new Map<string, number[]>([...seconds.keys()].map((k) => [k, []]));
    const p99 = new Map<string, number[]>([...seconds.keys()].map((k) => [k, []]));
    /** A runner whose run failed its checks (e.g. charges missing): reported, not measured. */
    const failures = new Map<string, string>();
    for (let pass = 0; pass < PASSES; pass++) {
      seconds.get('raw')!.push(await withRaw(database, rawThroughput));
      // Each measurement as it is taken: a long run that is cut short still says something.
      const told = (subject: string, what: string) =>
        report.log(`${database.label} pass ${pass + 1} ${subject}: ${what}`);
      told('raw', `${round(seconds.get('raw')!.at(-1)!)} s`);
      for (const runner of runners) {
        const measured = await onFresh(database, (u) => throughput(runner, u)).catch((error: Error) => error);
        if (measured instanceof Error) failures.set(runner.label, measured.message);
        else seconds.get(runner.label)!.push(measured);
        told(runner.label, measured instanceof Error ? `failed: ${measured.message}` : `${round(measured)} s`);
      }
      const rawSamples = await withRaw(database, rawLatencies);
      p50.get('raw')!.push(percentile(rawSamples, 0.5));
      p99.get('raw')!.push(percentile(rawSamples, 0.99));
      told('raw', `p50 ${round(percentile(rawSamples, 0.5))} ms, p99 ${round(percentile(rawSamples, 0.99))} ms`);
      for (const runner of runners) {
        const samples = await onFresh(database, (u) => latencies(runner, u)).catch((error: Error) => error);
        if (samples instanceof Error) {
          failures.set(runner.label, samples.message);
          continue;
        }
        p50.get(runner.label)!.push(percentile(samples, 0.5));
        p99.get(runner.label)!.push(percentile(samples, 0.99));
        told(runner.label, `p50 ${round(percentile(samples, 0.5))} ms, p99 ${round(percentile(samples, 0.99))} ms`);
      }
    }
    // Ratios per pass (each subject against the raw run of the same pass), then their median and range.
    const perPass = (subject: string, of: Map<string, number[]>, invert: boolean) =>
      of.get(subject)!.map((v, i) => (invert ? of.get('raw')![i]! / v : v / of.get('raw')![i]!));
    for (const [subject, message] of failures) {
      report.add({
        workload: 'S2 pipeline Orders → Reservations → Payments',
        database: database.label,
        subject,
        failed: message,
      });
    }
    for (const subject of seconds.keys()) {
      if (failures.has(subject)) continue;
      const throughputRatios = sorted(perPass(subject, seconds, true));
      const p50Ratios = sorted(perPass(subject, p50, false));
      report.add({
        workload: 'S2 pipeline Orders → Reservations → Payments',
        database: database.label,
        subject,
        commands: COMMANDS,
        commandsPerSecond: Math.round(COMMANDS / percentile(seconds.get(subject)!, 0.5)),
        throughputRatioToRaw: round(percentile(throughputRatios, 0.5)),
        throughputRatioRange: `${round(throughputRatios[0]!)}–${round(throughputRatios.at(-1)!)}`,
        latencySamples: LATENCY_SAMPLES,
        p50Ms: round(percentile(p50.get(subject)!, 0.5)),
        p99Ms: round(percentile(p99.get(subject)!, 0.5)),
        p50RatioToRaw: round(percentile(p50Ratios, 0.5)),
        p50RatioRange: `${round(p50Ratios[0]!)}–${round(p50Ratios.at(-1)!)}`,
      });
    }
  }
}
