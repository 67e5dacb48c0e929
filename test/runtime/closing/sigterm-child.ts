/**
 * A server-like process for test/runtime/closing/close-settles.test.ts:
 * `tsx sigterm-child.ts <DATABASE_URL>`. It registers a few dogs, then 20 workers load them in a
 * loop (yielding to the event loop between loads, as request handlers do), and prints `loading`.
 * Its SIGTERM handler only calls `app.close()`: the workers must then end on their own, each on
 * one `ClosedError`, so the top-level await settles and the process exits 0 after printing its
 * counts. An unsettled promise would leave the top-level await pending: node exits with code 13.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Application } from '../../../runtime/application.js';
import { ClosedError } from '../../../runtime/errors.js';
import { Dog, kennelDomain } from '../fixtures/kennel.js';

const app = new Application({ domains: [kennelDomain], name: 'Kennel', env: { DATABASE_URL: process.argv[2] } });
const ids: string[] = [];
for (let i = 0; i < 5; i++) {
  const dog = Dog.register(`dog ${i}`);
  dog.addTrick('sit');
  await app.save(dog);
  ids.push(dog.id);
}
const counts = { fulfilled: 0, closed: 0, other: [] as string[] };
process.on('SIGTERM', () => void app.close());

async function worker(w: number): Promise<void> {
  for (;;) {
    try {
      await app.repository(Dog).get(ids[w % ids.length]!);
      counts.fulfilled++;
    } catch (error) {
      if (error instanceof ClosedError) counts.closed++;
      else counts.other.push(String(error));
      return;
    }
    await nextTurn();
  }
}

const workers = Array.from({ length: 20 }, (_, w) => worker(w));
process.stdout.write('loading\n');
await Promise.all(workers);
await app.close();
process.stdout.write(JSON.stringify(counts) + '\n');
