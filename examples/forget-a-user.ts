/**
 * `npx tsx examples/forget-a-user.ts`: the identity example's erasure request, on the in-memory
 * store unless DATABASE_URL says otherwise. Registers two users, runs the user directory view
 * (declared in the schema), forgets one, and shows that the user's events still load, redacted,
 * that the directory's row is scrubbed, and that a rebuild of the directory stays scrubbed.
 */
import { generateCipherKey, isRedacted, ProjectionRunner } from 'eventforge/runtime';
import { Identity, User, UserDirectoryProjection } from './identity.js';
import { caughtUp, readView } from './view-target.js';

const env = {
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'memory:',
  // A real deployment keeps the master key in a secret manager; a fresh one suits a demo.
  EVENTFORGE_MASTER_KEY: process.env['EVENTFORGE_MASTER_KEY'] ?? generateCipherKey(),
};
const app = new Identity({ env });
const directory = new UserDirectoryProjection();
// A runner of the application registers the view's forget: app.forget scrubs the rows it holds.
const runner = new ProjectionRunner(app, directory, { pollIntervalMs: 50 });
const rows = async () =>
  (await readView(app, directory, (view) => view.all())).map((r) => `${r.email} (${r.firstName || 'no name'})`);
try {
  await runner.start();
  const jane = User.register('jane@example.com', 'Jane', '2024-02-29');
  jane.changeEmail('jane.doe@example.com');
  await app.save(jane);
  const bob = await app.register('bob@example.com', 'Bob');
  await caughtUp(app, runner);
  console.log('directory:', await rows());

  await app.forgetUser(jane.id);
  console.log(`forgot ${jane.id}`);

  const forgotten = await app.users.get(jane.id);
  const email = isRedacted(forgotten.email) ? '(redacted)' : forgotten.email;
  console.log(
    `user ${jane.id} still loads at version ${forgotten.version}: email ${email}, first name "${forgotten.firstName}", joined ${forgotten.joinedOn}`,
  );
  const events = (await app.log.select(1n, 100)).filter((l) => l.event.originatorId === jane.id);
  console.log(`its ${events.length} events still load: ${events.map((l) => l.event.type).join(', ')}`);
  console.log('directory:', await rows());
  if (env.DATABASE_URL !== 'memory:') {
    // Replayed from the log, whose personal fields of jane now read as redacted.
    await runner.rebuild();
    await caughtUp(app, runner);
    console.log('directory rebuilt from the log:', await rows());
  }
  if ((await app.users.get(bob)).email !== 'bob@example.com') throw new Error('another user was affected');
} finally {
  await runner.stop();
  await app.close();
}
