/**
 * Views: catch-up of the generated DogTricks projection (declarative `insert`, `increment` and
 * `list` per event, interpreted, one statement per row change) under the ProjectionRunner,
 * against a hand-written projection under the same runner that folds each batch into one
 * multi-row upsert of trick counts (the shape of bench/projections.bench.ts's baseline), on the
 * same SQLite log, alternating, 3 passes each, medians → events/s and the ratio.
 * N = 20,000 × EVENTFORGE_BENCH_SCALE events (dogs of 10).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Dog, DogSchool } from '../examples/dog-school.js';
import { DogTricksProjection } from '../generated/dog-school/index.js';
import { ProjectionRunner, type LoggedEvent, type Projection, type RecorderTransaction } from '../runtime/index.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const DOGS = Math.max(100, Math.round(2_000 * SCALE));
const EVENTS_PER_DOG = 10;
const PASSES = 3;

/** Trick counts per dog, one multi-row upsert per batch. */
class FoldedCounts implements Projection {
  readonly name = 'FoldedCounts';
  readonly topics = ['DogSchool.Dog.TrickAdded'];
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    await tx.execute('CREATE TABLE IF NOT EXISTS folded_counts (dog_id TEXT PRIMARY KEY, tricks INTEGER NOT NULL)');
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.event.originatorId, (counts.get(e.event.originatorId) ?? 0) + 1);
    const params: (string | number)[] = [];
    for (const [dog, n] of counts) params.push(dog, n);
    await tx.execute(
      `INSERT INTO folded_counts (dog_id, tricks) VALUES ${[...counts].map(() => '(?, ?)').join(', ')}` +
        ' ON CONFLICT (dog_id) DO UPDATE SET tricks = folded_counts.tricks + excluded.tricks',
      params,
    );
  }
}

async function catchUp(app: DogSchool, projection: Projection): Promise<number> {
  const runner = new ProjectionRunner(app, projection, { batchSize: 1000 });
  const head = await app.log.maxId();
  const start = performance.now();
  await runner.start();
  await runner.wait(head, { timeout: 600_000 });
  const ms = performance.now() - start;
  await runner.stop();
  return ms;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export default async function viewsBench(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-views-bench-'));
  const file = join(dir, 'views.sqlite');
  const app = new DogSchool({ env: { DATABASE_URL: `file:${file}` } });
  const db = new Database(file);
  try {
    for (let d = 0; d < DOGS; d++) {
      const dog = Dog.create({ name: `dog ${d}` });
      for (let t = 1; t < EVENTS_PER_DOG; t++) dog.addTrick(`trick ${t}`);
      await app.save(dog);
    }
    const events = Number(await app.log.maxId());
    const folded: number[] = [];
    const generated: number[] = [];
    for (let pass = 0; pass < PASSES; pass++) {
      db.exec("DELETE FROM tracking WHERE application IN ('FoldedCounts', 'DogTricks')");
      db.exec(
        'DROP TABLE IF EXISTS folded_counts; DROP TABLE IF EXISTS dog_tricks; DROP TABLE IF EXISTS eventforge_views',
      );
      folded.push(await catchUp(app, new FoldedCounts()));
      generated.push(await catchUp(app, new DogTricksProjection()));
    }
    const rate = (ms: number) => Math.round(events / (ms / 1000));
    report.add({
      subject: 'folded upsert per batch (baseline), runner, SQLite',
      events,
      eventsPerSecond: rate(median(folded)),
    });
    report.add({
      subject: 'generated DogTricks projection (declarative ops), runner, SQLite',
      events,
      eventsPerSecond: rate(median(generated)),
      ratioToBaseline: Number((median(folded) / median(generated)).toFixed(2)),
    });
  } finally {
    db.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
