import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { DogSchool, Dog } from '../../examples/dog-school.js';
import { createMemoryRecorder, ProjectionRunner, type LoggedEvent, type Projection, type RecorderTransaction } from '../../runtime/index.js';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import Database from 'better-sqlite3';

const TRICK = 'DogSchool.Dog.TrickAdded';
const file = process.argv[2] ?? '/tmp/hz/log.sqlite';
const DOGS = 10000;
class TrickCounts implements Projection {
  readonly name = 'BenchTricks';
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    const counts = new Map<string, number>();
    for (const e of events) if (e.topic === TRICK) counts.set(e.event.originatorId, (counts.get(e.event.originatorId) ?? 0) + 1);
    if (counts.size === 0) return;
    const params: (string | number)[] = []; const rows: string[] = [];
    for (const [dog, n] of counts) { params.push(dog, n); rows.push(tx.provider === 'postgresql' ? `($${params.length - 1}, $${params.length})` : '(?, ?)'); }
    await tx.execute(`INSERT INTO dog_tricks (dog_id, tricks) VALUES ${rows.join(', ')} ON CONFLICT (dog_id) DO UPDATE SET tricks = dog_tricks.tricks + excluded.tricks`, params);
  }
}
if (!existsSync(file)) {
  const memory = createMemoryRecorder();
  const app = new DogSchool({ recorder: memory });
  for (let d = 0; d < DOGS; d++) { const dog = Dog.create({ name: `dog ${d}` }); for (let t = 1; t < 10; t++) dog.addTrick(`trick ${t}`); await app.save(dog); }
  const sqlite = await createSqliteRecorder({ filename: file });
  for (let start = 1n; ; start += 1000n) { const page = await memory.readNotifications({ start, limit: 1000 }); if (page.length === 0) break; await sqlite.append(page); }
  await sqlite.close();
}
const db = new Database(file);
db.exec('CREATE TABLE IF NOT EXISTS dog_tricks (dog_id TEXT PRIMARY KEY, tricks INTEGER NOT NULL)');
for (let pass = 0; pass < Number(process.argv[3] ?? 3); pass++) {
  db.exec('DELETE FROM dog_tricks'); db.exec("DELETE FROM tracking WHERE application = 'BenchTricks'");
  const app = new DogSchool({ env: { DATABASE_URL: `file:${file}` } });
  await app.recorder();
  const runner = new ProjectionRunner(app, new TrickCounts(), { batchSize: 1000 });
  const t0 = performance.now();
  await runner.start();
  await runner.wait(BigInt(DOGS * 10), { timeout: 600_000 });
  const ms = performance.now() - t0;
  await runner.stop(); await app.close();
  console.log(`catch-up ${DOGS * 10} events: ${ms.toFixed(0)} ms, ${Math.round(DOGS * 10 / ms * 1000)} ev/s`);
}
db.close();
