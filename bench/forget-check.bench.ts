/**
 * What the forget watermark costs a view with personal columns (docs/projections.md, "Forgetting
 * a person"): Identity's UserDirectory caught up under the ProjectionRunner on a SQLite file, with
 * the check each batch makes (the store's forget number and the view's watermark, one query, in
 * the batch's transaction) vs the same view with the check off (`scrubsOnForget: false`, the
 * baseline), at batch size 1 (a check per event: the worst case, a runner at the head) and 1000
 * (catching up), from an opened runner (the open's scrub not timed). Subjects alternate, 5
 * passes each; the medians' ratio and each pass's ratio to the baseline's median.
 * N = 2,000 × EVENTFORGE_BENCH_SCALE users (one event each), 100 of them forgotten before.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Identity, User, UserDirectoryProjection } from '../examples/identity.js';
import { generateCipherKey, ProjectionRunner } from '../runtime/index.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const USERS = Math.max(200, Math.round(2_000 * SCALE));
const PASSES = 5;

/** The same view with no forget check: the baseline. */
class Unchecked extends UserDirectoryProjection {
  override get scrubsOnForget(): boolean {
    return false;
  }
}

async function catchUp(app: Identity, projection: UserDirectoryProjection, batchSize: number): Promise<number> {
  const runner = new ProjectionRunner(app, projection, { batchSize });
  // Opening (once per runner: the view's first scrub of the 100 forgotten subjects) is not timed.
  await runner.open();
  const start = performance.now();
  await runner.catchUp();
  const ms = performance.now() - start;
  await runner.stop();
  return ms;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export default async function forgetCheckBench(report: BenchReport): Promise<void> {
  report.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-forget-bench-'));
  const file = join(dir, 'identity.sqlite');
  const app = new Identity({ env: { DATABASE_URL: `file:${file}`, EVENTFORGE_MASTER_KEY: generateCipherKey() } });
  const db = new Database(file);
  try {
    const ids: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const user = User.register(`user${u}@example.com`, `User ${u}`);
      await app.save(user);
      ids.push(user.id);
    }
    for (const id of ids.slice(0, 100)) await app.forget(id);
    for (const batchSize of [1, 1000]) {
      const times: Record<string, number[]> = { unchecked: [], checked: [] };
      for (let pass = 0; pass < PASSES; pass++) {
        for (const subject of pass % 2 === 0 ? ['unchecked', 'checked'] : ['checked', 'unchecked']) {
          db.exec("DELETE FROM tracking WHERE application = 'UserDirectory'");
          db.exec("DELETE FROM forget_watermarks WHERE application = 'UserDirectory'");
          db.exec('DROP TABLE IF EXISTS user_directory; DROP TABLE IF EXISTS eventforge_views');
          const projection = subject === 'checked' ? new UserDirectoryProjection() : new Unchecked();
          times[subject]!.push(await catchUp(app, projection, batchSize));
        }
      }
      const base = median(times['unchecked']!);
      for (const subject of ['unchecked', 'checked']) {
        const ms = median(times[subject]!);
        report.add({
          case: `UserDirectory catch-up of ${USERS} events, batch size ${batchSize} (SQLite file)`,
          subject: subject === 'checked' ? 'forget check in each batch' : 'no forget check (baseline)',
          usPerEvent: Math.round((ms * 1000) / USERS),
          ratio: Number((ms / base).toFixed(2)),
          range: times[subject]!.map((t) => Number((t / base).toFixed(2))).join(' '),
        });
      }
    }
  } finally {
    db.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
