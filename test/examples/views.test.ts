/**
 * The views of the examples on every store: DogTricks (declarative) and the Bank's
 * CustomerBalances (custom handler with a table of its own) and AccountDirectory, projected from
 * the applications' logs; a failing batch leaves nothing behind, neither in the view nor in the
 * handler's own table.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, type LoggedEvent } from 'eventforge/runtime';
import { AccountDirectoryProjection, accountDirectoryView, customerBalancesView } from '../../generated/bank/index.js';
import { DogTricksProjection, dogTricksView } from '../../generated/dog-school/index.js';
import { Bank, CustomerBalancesProjection } from '../../examples/bank.js';
import { DogSchool } from '../../examples/dog-school.js';
import { openViewTarget, type ViewTarget } from '../../examples/view-target.js';
import { SchemaPool, TEST_DATABASE_URL, postgresSkipReason } from '../sql/postgres-helpers.js';
import { exampleStores, type ExampleStore } from './stores.js';
import pg from 'pg';

const skip = await postgresSkipReason();
const schemas = new SchemaPool('viewsex');
const postgres: ExampleStore = {
  label: 'PostgreSQL',
  open: () => {
    const name = schemas.next();
    return {
      env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${name}` },
      cleanup: () => {},
    };
  },
};
afterAll(() => schemas.dropAll());
const stores = skip === undefined ? [...exampleStores, postgres] : exampleStores;

describe.each(stores)('the examples’ views on the $label store', (store) => {
  let env: Record<string, string>;
  let cleanup: () => void;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    ({ env, cleanup } = store.open());
    const url = env['DATABASE_URL'] ?? '';
    const schema = /schema=(\w+)/.exec(url)?.[1];
    if (schema !== undefined) {
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.end();
    }
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    cleanup();
  });

  async function opened<T extends DogSchool | Bank>(app: T): Promise<{ app: T; views: ViewTarget }> {
    const views = await openViewTarget(app);
    closers.push(
      () => app.close(),
      () => views.close(),
    );
    return { app, views };
  }

  it('DogTricks: each dog with its tricks in order and their count; a second catch-up reads only new events', async () => {
    const { app: school, views } = await opened(new DogSchool({ env }));
    const fido = await school.registerDog('Fido');
    const rex = await school.registerDog('Rex');
    await school.addTrick(fido, 'roll over');
    await school.addTrick(fido, 'play dead');
    const projection = new DogTricksProjection();
    await views.prepare(dogTricksView);
    expect(await views.catchUp(school, projection)).toBe(4);
    await school.addTrick(rex, 'fetch');
    expect(await views.catchUp(school, projection)).toBe(1);
    const rows = await views.store(dogTricksView).all();
    const byName = Object.fromEntries(rows.map((r) => [r.name, { count: r.trickCount, tricks: r.tricks }]));
    expect(byName).toEqual({
      Fido: { count: 2, tricks: ['roll over', 'play dead'] },
      Rex: { count: 1, tricks: ['fetch'] },
    });
    const dog = await school.dogs.get(fido);
    expect((await views.store(dogTricksView).get({ dogId: fido }))?.registeredAt).toEqual(dog.createdOn);
  });

  it('CustomerBalances and AccountDirectory: exact totals per owner and currency, counts', async () => {
    const { app: bank, views } = await opened(new Bank({ env }));
    const a = await bank.open('Alice', 'EUR');
    const b = await bank.open('Alice', 'EUR');
    const c = await bank.open('Bob', 'USD');
    await bank.deposit(a, '0.10');
    await bank.deposit(b, '0.20');
    await bank.deposit(c, '5');
    await bank.withdraw(a, '0.05');
    await bank.chargeFee(c, '1.25', 'fee');
    const balances = new CustomerBalancesProjection();
    await views.prepare(customerBalancesView, CustomerBalancesProjection.createOwnTables);
    await views.prepare(accountDirectoryView);
    await views.catchUp(bank, balances);
    await views.catchUp(bank, new AccountDirectoryProjection());
    const rows = await views.store(customerBalancesView).all();
    expect(rows.map((r) => [r.owner, r.currency, r.balance.toString(), r.accounts])).toEqual([
      ['Alice', 'EUR', '0.25', 2],
      ['Bob', 'USD', '3.75', 1],
    ]);
    const directory = views.store(accountDirectoryView);
    expect(await directory.get({ accountId: a })).toEqual({
      accountId: a,
      owner: 'Alice',
      currency: 'EUR',
      status: 'open',
      openedOn: '2026-01-01',
      transactions: 2,
    });
  });

  it('a handler that throws undoes its whole batch: view rows and its own table', async () => {
    const { app: bank, views } = await opened(new Bank({ env }));
    const a = await bank.open('Carol', 'GBP');
    await bank.deposit(a, '1');
    await views.prepare(customerBalancesView, CustomerBalancesProjection.createOwnTables);
    const [opened_, deposited] = await bank.log.select(1n, 2);
    if (opened_ === undefined || deposited === undefined) throw new Error('the log lacks the events');
    const stranger: LoggedEvent = {
      ...deposited,
      id: 3n,
      event: { ...deposited.event, originatorId: '00000000-0000-4000-8000-000000000000' },
    };
    const projection = new CustomerBalancesProjection();
    if (store.label === 'in-memory') {
      const view = views.store(customerBalancesView);
      await expect(projection.apply([opened_, stranger], view)).rejects.toThrow(
        /view CustomerBalances failed on event #3 \(Bank\.Account\.Deposited\): account .* was never opened/,
      );
      return; // memory has no transaction to undo the batch (the library's runner gives it one)
    }
    await expect(views.catchUpEvents(projection, [opened_, stranger])).rejects.toThrow(
      /view CustomerBalances failed on event #3 \(Bank\.Account\.Deposited\): account .* was never opened/,
    );
    expect(await views.store(customerBalancesView).all()).toEqual([]);
    await views.catchUpEvents(projection, [opened_, deposited]);
    const [row] = await views.store(customerBalancesView).all();
    expect([row?.owner, row?.balance.equals(new Decimal(1)), row?.accounts]).toEqual(['Carol', true, 1]);
  });
});
