/**
 * A writer in its own process, for the SQLite cross-process latency of bench/projections.bench.ts:
 * `tsx writer.ts <DATABASE_URL> <dogId>`; each line on stdin adds a trick to the dog and prints
 * `<notification id> <absolute time of the save's return, ms>` (performance.timeOrigin +
 * performance.now(), comparable across processes of one machine).
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { DogSchool } from '../../examples/dog-school.js';

const [url, dogId] = process.argv.slice(2);
const app = new DogSchool({ env: { DATABASE_URL: url! } });
await app.recorder();
process.stdout.write('ready\n');
let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'end') break;
  const dog = await app.dogs.get(dogId!);
  dog.addTrick(`remote ${++n}`);
  const [id] = await app.save(dog);
  process.stdout.write(`${id} ${performance.timeOrigin + performance.now()}\n`);
}
await app.close();
