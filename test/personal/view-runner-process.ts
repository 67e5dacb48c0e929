/**
 * The Identity user directory's runner in a process of its own, for the forget tests:
 * `tsx view-runner-process.ts <DATABASE_URL> <until>` (EVENTFORGE_MASTER_KEY in the environment)
 * runs the view until it has processed notification `until`, prints `caught-up`, and keeps
 * running (waking up on its own) until its stdin closes; then it stops and prints `stopped`.
 */
import { ProjectionRunner } from '../../runtime/projection.js';
import { Identity, UserDirectoryProjection } from '../../examples/identity.js';

const [url, until] = process.argv.slice(2);
const app = new Identity({ env: { DATABASE_URL: url!, EVENTFORGE_MASTER_KEY: process.env['EVENTFORGE_MASTER_KEY'] } });
const runner = new ProjectionRunner(app, new UserDirectoryProjection(), { pollIntervalMs: 50 });
await runner.start();
await runner.wait(BigInt(until!), { timeout: 60_000 });
process.stdout.write('caught-up\n');
process.stdin.resume();
await new Promise((resolve) => process.stdin.on('end', resolve));
await runner.stop();
await app.close();
process.stdout.write('stopped\n');
