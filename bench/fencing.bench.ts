/**
 * What the fence costs a worker's commit (docs/systems.md#fencing): an append of one event with
 * its tracking record carrying a lease epoch (checked against the tracking key's fence in the
 * append procedure) against the same append without one, and a projection's transaction with
 * and without (the check in `Recorder.transaction`). Subjects alternate in each round; 7
 * rounds of 300 commits each; medians and the range of the per-round ratios. PostgreSQL at
 * EVENTFORGE_BENCH_DATABASE_URL (default the test server).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Recorder, StoredEvent, Tracking } from '../runtime/index.js';
import { createPostgresRecorder } from '../runtime/sql/index.js';
import { raiseFence } from '../runtime/system/fences.js';
import { postgresReachable } from './persistence/stores.js';
import type { BenchReport } from './run.js';

const URL_BASE = process.env.EVENTFORGE_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ROUNDS = 7;
const COMMITS = Math.max(50, Math.round(300 * Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1')));

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A subject: `commit(i)` makes the i-th commit of its own tracking key. */
interface Subject {
  readonly label: string;
  readonly fenced: boolean;
  commit(recorder: Recorder, tracking: Tracking, i: number): Promise<unknown>;
}

function event(stream: string, version: number): StoredEvent {
  return {
    streamId: stream,
    version,
    topic: 'Bench.Fenced',
    schemaVersion: 1,
    timestamp: new Date(),
    state: new Uint8Array(64),
  };
}

const append = (fenced: boolean): Subject => ({
  label: `append with tracking${fenced ? ', fenced' : ''}`,
  fenced,
  commit: (recorder, tracking, i) => recorder.append([event(`${tracking.upstream}-${i}`, 1)], { tracking }),
});
const transaction = (fenced: boolean): Subject => ({
  label: `projection transaction${fenced ? ', fenced' : ''}`,
  fenced,
  commit: (recorder, tracking, i) =>
    recorder.transaction(async () => undefined, { tracking, trackingFrom: tracking.notificationId - 1n }),
});

export default async function (report: BenchReport): Promise<void> {
  const unreachable = await postgresReachable(URL_BASE);
  if (unreachable !== undefined) {
    report.log(`skipped: ${unreachable}`);
    return;
  }
  const schema = `ef_bench_fencing_${randomBytes(4).toString('hex')}`;
  const recorder = await createPostgresRecorder({ url: `${URL_BASE}?schema=${schema}` });
  try {
    for (const [plain, fenced] of [
      [append(false), append(true)],
      [transaction(false), transaction(true)],
    ] as const) {
      const ms = new Map<Subject, number[]>([
        [plain, []],
        [fenced, []],
      ]);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [plain, fenced] : [fenced, plain];
        for (const subject of order) {
          const key = { application: 'Bench', upstream: `${subject.label} ${round}` };
          if (subject.fenced) await raiseFence(recorder, key, 7n);
          const started = performance.now();
          for (let i = 1; i <= COMMITS; i++) {
            const tracking: Tracking = { ...key, notificationId: BigInt(i), ...(subject.fenced ? { epoch: 7n } : {}) };
            await subject.commit(recorder, tracking, i);
          }
          ms.get(subject)!.push((performance.now() - started) / COMMITS);
        }
      }
      const ratios = ms.get(fenced)!.map((v, i) => v / ms.get(plain)![i]!);
      report.add({
        subject: fenced.label,
        measure: 'ms per commit (÷ the same commit without an epoch)',
        median: +median(ms.get(fenced)!).toFixed(3),
        baseline: +median(ms.get(plain)!).toFixed(3),
        ratio: +median(ratios).toFixed(2),
        ratioRange: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
      });
    }
  } finally {
    await recorder.close();
    const client = new pg.Client(URL_BASE);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
