/**
 * Profiling aid for P1 on SQLite (bench/projections.bench.ts): catch-up of 100,000 DogSchool events by the
 * ProjectionRunner, then the raw projection, each split into time spent reading and in transactions.
 * `node --conditions=eventforge-source --import tsx [--cpu-prof] bench/projections/profile-catchup.ts [FILE] [PASSES] [envelopes]`
 */
/* biome-ignore-all lint/suspicious/noExplicitAny: wraps recorder methods for timing */
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { DogSchool, Dog } from '../../examples/dog-school.js';
import {
  createMemoryRecorder,
  ProjectionRunner,
  type LoggedEvent,
  type Projection,
  type RecorderTransaction,
} from '../../runtime/index.js';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import Database from 'better-sqlite3';

const TRICK = 'DogSchool.Dog.TrickAdded';
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const file = process.argv[2] ?? '/tmp/hz/log.sqlite';
const DOGS = 10000;
class TrickCounts implements Projection {
  readonly name = 'BenchTricks';
  /** `envelopes` as the third argument: the projection says it reads no payloads. */
  readonly payloads = process.argv[4] !== 'envelopes';
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events)
      if (e.topic === TRICK) counts.set(e.event.originatorId, (counts.get(e.event.originatorId) ?? 0) + 1);
    if (counts.size === 0) return;
    const params: (string | number)[] = [];
    const rows: string[] = [];
    for (const [dog, n] of counts) {
      params.push(dog, n);
      rows.push(tx.provider === 'postgresql' ? `($${params.length - 1}, $${params.length})` : '(?, ?)');
    }
    await tx.execute(
      `INSERT INTO dog_tricks (dog_id, tricks) VALUES ${rows.join(', ')} ON CONFLICT (dog_id) DO UPDATE SET tricks = dog_tricks.tricks + excluded.tricks`,
      params,
    );
  }
}
if (!existsSync(file)) {
  const memory = createMemoryRecorder();
  const app = new DogSchool({ recorder: memory });
  for (let d = 0; d < DOGS; d++) {
    const dog = Dog.create({ name: `dog ${d}` });
    for (let t = 1; t < 10; t++) dog.addTrick(`trick ${t}`);
    await app.save(dog);
  }
  const sqlite = await createSqliteRecorder({ filename: file });
  for (let start = 1n; ; start += 1000n) {
    const page = await memory.readNotifications({ start, limit: 1000 });
    if (page.length === 0) break;
    await sqlite.append(page);
  }
  await sqlite.close();
}
const db = new Database(file);
db.pragma('synchronous = FULL'); // as the recorder and the bench's raw side
db.exec('CREATE TABLE IF NOT EXISTS dog_tricks (dog_id TEXT PRIMARY KEY, tricks INTEGER NOT NULL)');
for (let pass = 0; pass < Number(process.argv[3] ?? 3); pass++) {
  db.exec('DELETE FROM dog_tricks');
  db.exec("DELETE FROM tracking WHERE application = 'BenchTricks'");
  const app = new DogSchool({ env: { DATABASE_URL: `file:${file}` } });
  const recorder = await app.recorder();
  const spent = { read: 0, tx: 0 };
  for (const [method, key] of [
    ['readLog', 'read'],
    ['transaction', 'tx'],
  ] as const) {
    const original = (recorder as any)[method].bind(recorder);
    (recorder as any)[method] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await original(...args);
      } finally {
        spent[key] += performance.now() - t;
      }
    };
  }
  const runner = new ProjectionRunner(app, new TrickCounts(), { batchSize: 1000 });
  const t0 = performance.now();
  const c0 = cpu();
  await runner.start();
  await runner.wait(BigInt(DOGS * 10), { timeout: 600_000 });
  const ms = performance.now() - t0;
  const runnerCpu = cpu() - c0;
  await runner.stop();
  await app.close();
  console.log(
    `catch-up ${DOGS * 10} events: ${ms.toFixed(0)} ms, ${Math.round(((DOGS * 10) / ms) * 1000)} ev/s; in readLog ${spent.read.toFixed(0)} ms, in transaction ${spent.tx.toFixed(0)} ms`,
  );
  // The raw projection of bench/projections.bench.ts, split the same way.
  db.exec('DELETE FROM dog_tricks');
  db.exec("DELETE FROM tracking WHERE application = 'Raw'");
  db.prepare("INSERT INTO tracking (application, upstream, notification_id) VALUES ('Raw', 'log', 0)").run();
  const select = db.prepare('SELECT id, stream_id, topic FROM events WHERE id > ? ORDER BY id LIMIT ?').raw();
  const track = db.prepare('UPDATE tracking SET notification_id = ? WHERE application = ? AND upstream = ?');
  const rawSpent = { read: 0, tx: 0 };
  const r0 = performance.now();
  const rc0 = cpu();
  let position = 0;
  for (;;) {
    let t = performance.now();
    const rows = select.all(position, 1000) as [number, string, string][];
    rawSpent.read += performance.now() - t;
    if (rows.length === 0) break;
    const counts = new Map<string, number>();
    for (const [, dog, topic] of rows) if (topic === TRICK) counts.set(dog, (counts.get(dog) ?? 0) + 1);
    const last = rows[rows.length - 1]![0];
    t = performance.now();
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
    rawSpent.tx += performance.now() - t;
    position = last;
  }
  const rawMs = performance.now() - r0;
  console.log(`CPU: runner ${runnerCpu.toFixed(0)} ms, raw ${(cpu() - rc0).toFixed(0)} ms`);
  console.log(
    `raw ${rawMs.toFixed(0)} ms; read ${rawSpent.read.toFixed(0)} ms, transaction ${rawSpent.tx.toFixed(0)} ms; runner ÷ raw ${(rawMs / ms).toFixed(2)}`,
  );
}
db.close();
