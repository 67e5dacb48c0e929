/**
 * A projection runner in its own process, for the kill -9 tests:
 * `tsx runner-process.ts <DATABASE_URL> <batchSize> <until>` runs TrickTally (each batch taking
 * 2 ms inside its transaction, so a kill lands mid-catch-up) until it has processed notification `until`, printing `started` once running and `done` at the end.
 * `tsx runner-process.ts <DATABASE_URL> append <dogs>` saves that many dogs and exits.
 */
import { ProjectionRunner } from '../../runtime/projection.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { kennel, TrickTally } from './fixtures.js';

const [url, mode, count] = process.argv.slice(2);
const app = kennel(url!);
if (mode === 'append') {
  for (let d = 0; d < Number(count); d++) await app.save(Dog.register(`dog ${d}`));
  process.stdout.write('appended\n');
} else {
  const tally = new TrickTally();
  tally.pauseMs = 2;
  const runner = new ProjectionRunner(app, tally, { batchSize: Number(mode) });
  await runner.start();
  process.stdout.write('started\n');
  await runner.wait(BigInt(count!), { timeout: 120_000 });
  await runner.stop();
  process.stdout.write('done\n');
}
await app.close();
