/**
 * A follower in a process of its own, for the metadata tests:
 * `tsx follower-process.ts <Counters DATABASE_URL> <Increments DATABASE_URL>` runs the system
 * [[Counters, Increments]] single-threaded until Increments has caught up with Counters' stored
 * log, then prints one JSON line per event of Increments' log: its topic and stored metadata.
 */
import { SingleThreadedRunner, System } from 'eventforge/runtime';
import { Counters } from '../../examples/counters.js';
import { Increments } from './fixtures/systems.js';

const [countersUrl, incrementsUrl] = process.argv.slice(2);
const urls: Record<string, string> = { Counters: countersUrl!, Increments: incrementsUrl! };
const runner = new SingleThreadedRunner(new System([[Counters, Increments]]), {
  applicationOptions: (name) => ({ env: { DATABASE_URL: urls[name] } }),
});
await runner.start(); // the single-threaded runner catches up when it starts
for await (const { topic, metadata } of runner.get(Increments).log.readAll()) {
  process.stdout.write(`${JSON.stringify({ topic, metadata })}\n`);
}
await runner.stop();
