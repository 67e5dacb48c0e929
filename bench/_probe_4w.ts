import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { createPostgresRecorder } from '../runtime/sql/index.js';
const URL = 'postgresql://postgres@127.0.0.1:5432/test';
const admin = new pg.Client({ connectionString: URL });
await admin.connect();
function pgCpu(): number {
  // jiffies of all postgres processes
  let t = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!st.includes('(postgres)')) continue;
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return t * 10; // ms
}
const ev = (s: string, v: number) => ({
  streamId: s,
  version: v,
  topic: 'BenchDog.TrickAdded',
  schemaVersion: 1,
  timestamp: new Date(),
  state: Buffer.from('{"trick":"roll over","name":"Fido"}'),
});
async function measure(label: string, append: (events: ReturnType<typeof ev>[]) => Promise<unknown>) {
  let n = 0;
  const end = performance.now() + 5000;
  const c0 = process.cpuUsage();
  const p0 = pgCpu();
  const t0 = performance.now();
  await Promise.all(
    [0, 1, 2, 3].map(async (w) => {
      while (performance.now() < end) {
        const i = n++;
        await append(Array.from({ length: 10 }, (_, k) => ev(`${label}-${w}-${i}`, k + 1)));
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const pgms = pgCpu() - p0;
  console.log(
    label.padEnd(12),
    'saves/s',
    ((n / wall) * 1000).toFixed(0),
    'node ms/save',
    ((cpu.user + cpu.system) / 1000 / n).toFixed(3),
    'pg ms/save',
    (pgms / n).toFixed(3),
  );
}
await admin.query('DROP SCHEMA IF EXISTS p4_ef CASCADE');
await admin.query('DROP SCHEMA IF EXISTS p4_raw CASCADE');
const rec = await createPostgresRecorder({ url: URL, schema: 'p4_ef' });
await (await createPostgresRecorder({ url: URL, schema: 'p4_raw' })).close();
const clients = await Promise.all(
  [0, 1, 2, 3].map(async () => {
    const c = new pg.Client({ connectionString: URL, options: '-c search_path=p4_raw' });
    await c.connect();
    return c;
  }),
);
const sql = `INSERT INTO events (stream_id, version, topic, schema_version, "timestamp", state) VALUES ${Array.from({ length: 10 }, (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`).join(', ')} RETURNING id`;
let rr = 0;
const raw = (events: ReturnType<typeof ev>[]) =>
  clients[rr++ % 4]!.query({
    name: 'ins10',
    text: sql,
    values: events.flatMap((e) => [
      e.streamId,
      e.version,
      e.topic,
      e.schemaVersion,
      e.timestamp.toISOString(),
      e.state,
    ]),
  });
for (let r = 0; r < 2; r++) {
  await measure('raw', raw);
  await measure('eventforge', (e) => rec.append(e));
}
await rec.close();
for (const c of clients) await c.end();
await admin.query('DROP SCHEMA IF EXISTS p4_ef CASCADE');
await admin.query('DROP SCHEMA IF EXISTS p4_raw CASCADE');
await admin.end();
