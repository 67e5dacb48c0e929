/**
 * `npx tsx examples/forget-a-user.ts`: the identity example's erasure request, on the in-memory
 * store unless DATABASE_URL says otherwise. Registers two users, builds the user directory,
 * forgets one, and shows that the user's events and the directory still load, redacted.
 */
import { generateCipherKey, isRedacted } from 'eventforge/runtime';
import { Identity, User, UserDirectory } from './identity.js';

const env = {
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'memory:',
  // A real deployment keeps the master key in a secret manager; a fresh one suits a demo.
  EVENTFORGE_MASTER_KEY: process.env['EVENTFORGE_MASTER_KEY'] ?? generateCipherKey(),
};
const directory = new UserDirectory();
const app = new Identity({ env }, directory);
try {
  const jane = User.register('jane@example.com', 'Jane', '2024-02-29');
  jane.changeEmail('jane.doe@example.com');
  await app.save(jane);
  const bob = await app.register('bob@example.com', 'Bob');
  await directory.catchUp(app);
  console.log('directory:', Object.fromEntries(directory.rows));

  await app.forgetUser(jane.id);
  console.log(`forgot ${jane.id}`);

  const forgotten = await app.users.get(jane.id);
  const email = isRedacted(forgotten.email) ? '(redacted)' : forgotten.email;
  console.log(
    `user ${jane.id} still loads at version ${forgotten.version}: email ${email}, first name "${forgotten.firstName}", joined ${forgotten.joinedOn}`,
  );
  const events = (await app.log.select(1n, 100)).filter((l) => l.event.originatorId === jane.id);
  console.log(`its ${events.length} events still load: ${events.map((l) => l.event.type).join(', ')}`);
  console.log('directory:', Object.fromEntries(directory.rows));
  const rebuilt = new UserDirectory();
  await rebuilt.catchUp(app);
  console.log('directory rebuilt from the log:', Object.fromEntries(rebuilt.rows));
  if ((await app.users.get(bob)).email !== 'bob@example.com') throw new Error('another user was affected');
} finally {
  await app.close();
}
