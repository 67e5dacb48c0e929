/**
 * The views of the examples on every store, run by the library's ProjectionRunner: DogTricks
 * (declarative) and the Bank's CustomerBalances (custom handler with a table of its own) and
 * AccountDirectory; an event whose handler throws is parked and leaves nothing behind, neither
 * in the view nor in the handler's own table, and the runner stops before it.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Decimal,
  generateCipherKey,
  ProjectionError,
  ProjectionRunner,
  type Projection,
  type ViewStore,
} from 'eventforge/runtime';
import {
  AccountDirectoryProjection,
  type CustomerBalancesKey,
  type CustomerBalancesRow,
} from '../../generated/bank/index.js';
import { DogTricksProjection } from '../../generated/dog-school/index.js';
import { Bank, CustomerBalancesProjection } from '../../examples/bank.js';
import { DogSchool } from '../../examples/dog-school.js';
import { caughtUp, readView, runView } from '../../examples/view-target.js';
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
      env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${name}`, EVENTFORGE_MASTER_KEY: generateCipherKey() },
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
    const schema = /schema=(\w+)/.exec(env['DATABASE_URL'] ?? '')?.[1];
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

  function track<T extends DogSchool | Bank>(app: T): T {
    closers.push(() => app.close());
    return app;
  }

  async function started(app: DogSchool | Bank, ...projections: Projection[]): Promise<ProjectionRunner[]> {
    const runners: ProjectionRunner[] = [];
    for (const projection of projections) {
      const runner = await runView(app, projection);
      closers.push(() => runner.stop());
      runners.push(runner);
    }
    return runners;
  }

  it('DogTricks: each dog with its tricks in order and their count, kept up as events arrive', async () => {
    const school = track(new DogSchool({ env }));
    const projection = new DogTricksProjection();
    const fido = await school.registerDog('Fido');
    const rex = await school.registerDog('Rex');
    await school.addTrick(fido, 'roll over');
    const [runner] = await started(school, projection);
    await school.addTrick(fido, 'play dead');
    await school.addTrick(rex, 'fetch');
    await caughtUp(school, runner!);
    const rows = await readView(school, projection, (view) => view.all());
    const byName = Object.fromEntries(rows.map((r) => [r.name, { count: r.trickCount, tricks: r.tricks }]));
    expect(byName).toEqual({
      Fido: { count: 2, tricks: ['roll over', 'play dead'] },
      Rex: { count: 1, tricks: ['fetch'] },
    });
    const dog = await school.dogs.get(fido);
    const row = await readView(school, projection, (view) => view.get({ dogId: fido }));
    expect(row?.registeredAt).toEqual(dog.createdOn);
  });

  it('CustomerBalances and AccountDirectory: exact totals per owner and currency, counts', async () => {
    const bank = track(new Bank({ env }));
    const balances = new CustomerBalancesProjection();
    const directory = new AccountDirectoryProjection();
    const a = await bank.open('Alice', 'EUR');
    const b = await bank.open('Alice', 'EUR');
    const c = await bank.open('Bob', 'USD');
    await bank.deposit(a, '0.10');
    await bank.deposit(b, '0.20');
    await bank.deposit(c, '5');
    await bank.withdraw(a, '0.05');
    await bank.chargeFee(c, '1.25', 'fee');
    // Started once the events are in: the runner's first batch takes them all (a runner whose topics
    // skip events at the head, as FeeCharged for AccountDirectory, refuses its next commit for now).
    const runners = await started(bank, balances, directory);
    for (const runner of runners) await caughtUp(bank, runner);
    const rows = await readView(bank, balances, (view) => view.all());
    expect(rows.map((r) => [r.owner, r.currency, r.balance.toString(), r.accounts])).toEqual([
      ['Alice', 'EUR', '0.25', 2],
      ['Bob', 'USD', '3.75', 1],
    ]);
    expect(await readView(bank, directory, (view) => view.get({ accountId: a }))).toEqual({
      accountId: a,
      owner: 'Alice',
      currency: 'EUR',
      status: 'open',
      openedOn: '2026-01-01',
      transactions: 2,
    });
  });

  it('a handler that throws: the event is parked, its batch leaves nothing behind, the runner stops before it', async () => {
    const bank = track(new Bank({ env }));
    class Failing extends CustomerBalancesProjection {
      protected override async change(
        accountId: string,
        amount: Decimal,
        view: ViewStore<CustomerBalancesRow, CustomerBalancesKey>,
        tx: Parameters<CustomerBalancesProjection['process']>[1],
      ): Promise<void> {
        await super.change(accountId, amount, view, tx);
        if (amount.equals(13)) throw new Error('unlucky amount');
      }
    }
    const projection = new Failing();
    const a = await bank.open('Carol', 'GBP');
    await bank.deposit(a, '1');
    const [unlucky] = await (async () => {
      const account = await bank.accounts.get(a);
      account.deposit(new Decimal(13), crypto.randomUUID());
      return bank.save(account);
    })();
    await bank.deposit(a, '2');
    const runner = new ProjectionRunner(bank, projection, { retryDelayMs: 1 });
    closers.push(() => runner.stop());
    await runner.start();
    await expect(runner.wait(await bank.log.maxId(), { timeout: 20_000 })).rejects.toThrow(ProjectionError);
    expect(runner.position).toBe(unlucky! - 1n);
    const [row] = await readView(bank, projection, (view) => view.all());
    expect([row?.owner, row?.balance.toString(), row?.accounts]).toEqual(['Carol', '1', 1]);
    const parked = await (await bank.recorder()).parkedEvents('CustomerBalances');
    expect(parked.map((p) => [p.notificationId, p.topic])).toEqual([[unlucky, 'Bank.Account.Deposited']]);
    expect(parked[0]?.error).toMatch(
      /view CustomerBalances failed on event #\d+ \(Bank\.Account\.Deposited\): unlucky amount/,
    );
  });
});
