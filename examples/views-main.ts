/**
 * `npm run start:views`: the views of the DogSchool and Bank examples on the default
 * configuration (./eventforge.sqlite unless DATABASE_URL says otherwise): events are saved,
 * each projection's runner catches up, and the views are read. The Bank keeps its events in
 * ./eventforge-bank.sqlite when DATABASE_URL is unset, so each runner's log holds its own domain.
 */
import { Bank, CustomerBalancesProjection } from './bank.js';
import { DogSchool } from './dog-school.js';
import { caughtUp, readView, runView } from './view-target.js';
import { DogTricksProjection } from '../generated/dog-school/index.js';
import { AccountDirectoryProjection } from '../generated/bank/index.js';

const school = new DogSchool();
const bank = new Bank({
  ...(process.env['DATABASE_URL'] === undefined
    ? { env: { ...process.env, DATABASE_URL: 'file:./eventforge-bank.sqlite' } }
    : {}),
  // Account owners are personal data. Without EVENTFORGE_MASTER_KEY they could not be saved at
  // all; this demo, on a file of your own machine, stores them unencrypted on purpose (and Node
  // prints a warning saying so). Set EVENTFORGE_MASTER_KEY to store them encrypted instead.
  ...(process.env['EVENTFORGE_MASTER_KEY'] === undefined ? { personalData: 'clear' as const } : {}),
});
const dogTricks = new DogTricksProjection();
const balances = new CustomerBalancesProjection();
const directory = new AccountDirectoryProjection();
const runners = [await runView(school, dogTricks), await runView(bank, balances), await runView(bank, directory)];
try {
  const fido = await school.registerDog('Fido');
  await school.addTrick(fido, 'roll over');
  await school.addTrick(fido, 'play dead');
  await caughtUp(school, runners[0]!);
  const row = await readView(school, dogTricks, (view) => view.get({ dogId: fido }));
  console.log(`DogTricks: Fido → ${JSON.stringify(row)}`);
  if (row?.trickCount !== 2 || row.tricks.join() !== 'roll over,play dead') throw new Error('unexpected DogTricks row');

  const alice = await bank.open('Alice', 'EUR');
  const savings = await bank.open('Alice', 'EUR');
  await bank.deposit(alice, '100.10');
  await bank.deposit(savings, '0.20');
  await bank.withdraw(alice, '30.00');
  await bank.chargeFee(savings, '0.05', 'statement');
  await caughtUp(bank, runners[1]!);
  await caughtUp(bank, runners[2]!);
  const total = await readView(bank, balances, (view) => view.get({ owner: 'Alice', currency: 'EUR' }));
  console.log(`CustomerBalances: Alice in EUR → ${total?.balance.toFixed(2)} over ${total?.accounts} accounts`);
  const account = await readView(bank, directory, (view) => view.get({ accountId: alice }));
  console.log(`AccountDirectory: ${alice} → ${account?.transactions} transactions, ${account?.status}`);
} finally {
  for (const runner of runners) await runner.stop();
  await school.close();
  await bank.close();
}
