/**
 * A look at the single-threaded runner on PostgreSQL (not part of `npm run bench`): the pipeline's
 * commands in chunks, the time of each chunk and the statements per command (counted on the
 * pools' queries), to see where a command's time goes as the logs grow.
 * `npx tsx bench/pipeline/profile-single.ts [commands]`
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Orders, Payments, Reservations } from '../../examples/shop.js';
import { SingleThreadedRunner, System } from '../../runtime/index.js';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { TEST_DATABASE_URL } from '../../test/sql/postgres-helpers.js';
import { orderOf, SKUS, STOCK_PER_SKU } from './raw.js';

const COMMANDS = Number(process.argv[2] ?? '2000');
const CHUNK = Math.max(100, COMMANDS / 10);
const NAMES = ['Orders', 'Reservations', 'Payments'];
const schemaOf = new Map(NAMES.map((n) => [n, `ef_prof_${process.pid}_${n.toLowerCase()}`]));
const urlOf = (name: string) => `${TEST_DATABASE_URL}?schema=${schemaOf.get(name)}`;

// Every statement any pool sends, by its text's first words: how many, and the time to its answer.
const counts = new Map<string, number>();
const times = new Map<string, number>();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '?');
  const key = text.replace(/\s+/g, ' ').slice(0, 90);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  const started = performance.now();
  const done = () => times.set(key, (times.get(key) ?? 0) + performance.now() - started);
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback === 'function') {
    args[last] = (...answer: unknown[]) => {
      done();
      return (callback as (...a: unknown[]) => unknown)(...answer);
    };
  }
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
    void (result as Promise<unknown>).then(done, () => undefined);
  }
  return result;
} as typeof pg.Client.prototype.query;

for (const name of NAMES) await (await createPostgresRecorder({ url: urlOf(name) })).close();
const runner = new SingleThreadedRunner(new System([[Orders, Reservations, Payments]]), {
  applicationOptions: (name) => ({ env: { DATABASE_URL: urlOf(name) } }),
});
await runner.start();
const reservations = runner.get(Reservations);
for (const sku of SKUS) await reservations.receive(sku, STOCK_PER_SKU);
const orders = runner.get(Orders);
counts.clear();
const started = performance.now();
let chunkStart = started;
for (let i = 0; i < COMMANDS; i++) {
  await orders.placeOrder(orderOf(i), { requestId: `r-${i}` });
  if ((i + 1) % CHUNK === 0) {
    const now = performance.now();
    console.log(`commands ${i + 1 - CHUNK}–${i + 1}: ${((now - chunkStart) / CHUNK).toFixed(2)} ms each`);
    chunkStart = now;
  }
}
const total = performance.now() - started;
console.log(`${COMMANDS} commands: ${(COMMANDS / (total / 1000)).toFixed(0)}/s`);
console.log(`statements per command (mean ms each; ${(total / COMMANDS).toFixed(1)} ms per command):`);
for (const [text, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  const ms = (times.get(text) ?? 0) / n;
  console.log(`  ${(n / COMMANDS).toFixed(2)}  ${ms.toFixed(2)} ms  ${text}`);
}
const charges = await runner.get(Payments).log.maxId();
console.log(`Payments' log head ${charges}`);
await runner.stop();
const client = new pg.Client(TEST_DATABASE_URL);
await client.connect();
for (const schema of schemaOf.values()) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await client.end();
