/**
 * Profiling aid for P1 on SQLite (bench/projections.bench.ts): catch-up of the 100,000 events of
 * profile-catchup.ts's FILE by the raw projection, by the ProjectionRunner of another checkout's
 * runtime ("before": e.g. `git archive main runtime examples generated package.json | tar -x -C
 * .scratch/before`, inside this tree so that its packages resolve) and by this one's ("after"),
 * interleaved in one process; wall and CPU time (`process.cpuUsage`) of each per pass.
 * `node --conditions=eventforge-source --import tsx bench/projections/compare-runtimes.ts FILE BEFORE_DIR [PASSES] [envelopes]`
 */
/* biome-ignore-all lint/suspicious/noExplicitAny: two runtimes' classes, loaded at run time */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import * as afterApp from '../../examples/dog-school.js';
import * as afterRt from '../../runtime/index.js';

const TRICK = 'DogSchool.Dog.TrickAdded';
const file = process.argv[2]!;
const beforeDir = resolve(process.argv[3]!);
const beforeApp = await import(pathToFileURL(resolve(beforeDir, 'examples/dog-school.ts')).href);
const beforeRt = await import(pathToFileURL(resolve(beforeDir, 'runtime/index.ts')).href);
const PASSES = Number(process.argv[4] ?? 4);
const payloads = process.argv[5] !== 'envelopes';
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
class TrickCounts {
  readonly name = 'BenchTricks';
  readonly payloads = payloads;
  async process(events: readonly any[], tx: any): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events)
      if (e.topic === TRICK) counts.set(e.event.originatorId, (counts.get(e.event.originatorId) ?? 0) + 1);
    if (counts.size === 0) return;
    const params: (string | number)[] = [];
    const rows: string[] = [];
    for (const [dog, n] of counts) {
      params.push(dog, n);
      rows.push('(?, ?)');
    }
    await tx.execute(
      `INSERT INTO dog_tricks (dog_id, tricks) VALUES ${rows.join(', ')} ON CONFLICT (dog_id) DO UPDATE SET tricks = dog_tricks.tricks + excluded.tricks`,
      params,
    );
  }
}
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS dog_tricks (dog_id TEXT PRIMARY KEY, tricks INTEGER NOT NULL)');
const reset = () => {
  db.exec('DELETE FROM dog_tricks');
  db.exec("DELETE FROM tracking WHERE application IN ('BenchTricks', 'Raw')");
};
async function runner(App: any, Runner: any): Promise<[number, number]> {
  reset();
  const app = new App.DogSchool({ env: { DATABASE_URL: `file:${file}` } });
  await app.recorder();
  const r = new Runner(app, new TrickCounts(), { batchSize: 1000 });
  const t0 = performance.now();
  const c0 = cpu();
  await r.start();
  await r.wait(100000n, { timeout: 600_000 });
  const res: [number, number] = [performance.now() - t0, cpu() - c0];
  await r.stop();
  await app.close();
  return res;
}
const select = db.prepare('SELECT id, stream_id, topic FROM events WHERE id > ? ORDER BY id LIMIT ?').raw();
const track = db.prepare('UPDATE tracking SET notification_id = ? WHERE application = ? AND upstream = ?');
async function raw(): Promise<[number, number]> {
  reset();
  db.prepare("INSERT INTO tracking (application, upstream, notification_id) VALUES ('Raw', 'log', 0)").run();
  const t0 = performance.now();
  const c0 = cpu();
  let position = 0;
  for (;;) {
    const rows = select.all(position, 1000) as [number, string, string][];
    if (rows.length === 0) break;
    const counts = new Map<string, number>();
    for (const [, dog, topic] of rows) if (topic === TRICK) counts.set(dog, (counts.get(dog) ?? 0) + 1);
    const last = rows[rows.length - 1]![0];
    db.transaction(() => {
      const params: (string | number)[] = [];
      const values: string[] = [];
      for (const [dog, n] of counts) {
        params.push(dog, n);
        values.push('(?, ?)');
      }
      if (values.length > 0)
        db.prepare(
          `INSERT INTO dog_tricks (dog_id, tricks) VALUES ${values.join(', ')} ON CONFLICT (dog_id) DO UPDATE SET tricks = dog_tricks.tricks + excluded.tricks`,
        ).run(...params);
      track.run(last, 'Raw', 'log');
    }).immediate();
    position = last;
    await Promise.resolve();
  }
  return [performance.now() - t0, cpu() - c0];
}
const subjects: Record<string, () => Promise<[number, number]>> = {
  raw,
  before: () => runner(beforeApp, beforeRt.ProjectionRunner),
  after: () => runner(afterApp, afterRt.ProjectionRunner),
};
const got: Record<string, [number, number][]> = { raw: [], before: [], after: [] };
const order = ['raw', 'before', 'after'];
for (let p = 0; p < PASSES; p++) {
  const o = p % 2 === 0 ? order : [...order].reverse();
  for (const s of o) got[s]!.push(await subjects[s]!());
  const [r, b, a] = [got.raw!.at(-1)!, got.before!.at(-1)!, got.after!.at(-1)!];
  console.log(
    `pass ${p}: wall raw ${r[0].toFixed(0)} before ${b[0].toFixed(0)} after ${a[0].toFixed(0)} | cpu raw ${r[1].toFixed(0)} before ${b[1].toFixed(0)} after ${a[1].toFixed(0)} | raw÷before ${(r[0] / b[0]).toFixed(2)} raw÷after ${(r[0] / a[0]).toFixed(2)} | cpu raw÷before ${(r[1] / b[1]).toFixed(2)} raw÷after ${(r[1] / a[1]).toFixed(2)}`,
  );
}
db.close();
