/**
 * `npm run start:views`: the views of the DogSchool and Bank examples on the default
 * configuration (./eventforge.sqlite unless DATABASE_URL says otherwise): events are saved, the
 * projections catch up, and the views are read.
 */
import { Bank, CustomerBalancesProjection } from './bank.js';
import { DogSchool } from './dog-school.js';
import { openViewTarget } from './view-target.js';
import { DogTricksProjection, dogTricksView } from '../generated/dog-school/index.js';
import { AccountDirectoryProjection, accountDirectoryView, customerBalancesView } from '../generated/bank/index.js';

const school = new DogSchool();
const bank = new Bank();
const dogsTarget = await openViewTarget(school);
const bankTarget = await openViewTarget(bank);
try {
  const fido = await school.registerDog('Fido');
  await school.addTrick(fido, 'roll over');
  await school.addTrick(fido, 'play dead');
  const dogTricks = new DogTricksProjection();
  await dogsTarget.prepare(dogTricksView);
  console.log(`DogTricks: projected ${await dogsTarget.catchUp(school, dogTricks)} events`);
  const row = await dogsTarget.store(dogTricksView).get({ dogId: fido });
  console.log(`  Fido → ${JSON.stringify(row)}`);
  if (row?.trickCount !== 2 || row.tricks.join() !== 'roll over,play dead') throw new Error('unexpected DogTricks row');

  const alice = await bank.open('Alice', 'EUR');
  const savings = await bank.open('Alice', 'EUR');
  await bank.deposit(alice, '100.10');
  await bank.deposit(savings, '0.20');
  await bank.withdraw(alice, '30.00');
  await bank.chargeFee(savings, '0.05', 'statement');
  const balances = new CustomerBalancesProjection();
  const directory = new AccountDirectoryProjection();
  await bankTarget.prepare(customerBalancesView, CustomerBalancesProjection.createOwnTables);
  await bankTarget.prepare(accountDirectoryView);
  console.log(`CustomerBalances: projected ${await bankTarget.catchUp(bank, balances)} events`);
  console.log(`AccountDirectory: projected ${await bankTarget.catchUp(bank, directory)} events`);
  const total = await bankTarget.store(customerBalancesView).get({ owner: 'Alice', currency: 'EUR' });
  console.log(`  Alice in EUR → ${total?.balance.toFixed(2)} over ${total?.accounts} accounts`);
  const account = await bankTarget.store(accountDirectoryView).get({ accountId: alice });
  console.log(`  account ${alice} → ${account?.transactions} transactions, ${account?.status}`);
} finally {
  await dogsTarget.close();
  await bankTarget.close();
  await school.close();
  await bank.close();
}
