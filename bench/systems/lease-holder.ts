/**
 * A process that holds one lock the way a worker would, for bench/leases.bench.ts to kill -9:
 * `advisory` holds a session advisory lock on a dedicated connection; `lease` takes a row of the
 * leases table (runtime/system/leases.ts) and renews it every TTL/5. Prints `held` once it holds.
 *   node --import tsx bench/systems/lease-holder.ts advisory|lease URL KEY TTL_MS
 */
import pg from 'pg';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { Leases } from '../../runtime/system/leases.js';

const [mode, url, key, ttlText] = process.argv.slice(2);
const ttl = Number(ttlText);
if (mode === 'advisory') {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
} else {
  const leases = new Leases(await createPostgresRecorder({ url: url! }));
  if (!(await leases.acquire(key!, `holder ${process.pid}`, ttl))) throw new Error('lease taken');
  setInterval(() => void leases.renew(key!, `holder ${process.pid}`, ttl), ttl / 5);
}
console.log('held');
setInterval(() => undefined, 1 << 30);
