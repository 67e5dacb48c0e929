/**
 * The worked example of a chain (examples/shop.ts): Orders → Reservations → Payments, with the
 * StockLevels view beside Reservations. The same scenario under the single-threaded and the
 * concurrent runner, on the in-memory store, SQLite files and PostgreSQL schemas, with
 * assertions on the final state, the view, counts and the metadata down the chain (shop-scenario.ts;
 * shop-workers.test.ts holds three worker processes on PostgreSQL to the same).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrentRunner, type RunnerOptions, SingleThreadedRunner, type System } from 'eventforge/runtime';
import { Payments, Reservations, system } from '../../examples/shop.js';
import { StockLevelsProjection } from '../../generated/shop/index.js';
import { expectShopState, placeShopOrders } from './shop-scenario.js';
import { postgresSkip, systemStores } from './stores.js';

if (postgresSkip !== undefined) console.log(`shop system tests on PostgreSQL skipped: ${postgresSkip}`);
const stores = systemStores('shop');
const runners = [
  { label: 'single-threaded', make: (s: System, o: RunnerOptions) => new SingleThreadedRunner(s, o) },
  { label: 'concurrent', make: (s: System, o: RunnerOptions) => new ConcurrentRunner(s, o) },
];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(stores)('the shop on $label', (store) => {
  it.each(runners)(
    'run $label: orders reserved or refused in order, the reserved ones charged once',
    async ({ make }) => {
      const { applicationOptions, cleanup } = store.open();
      cleanups.push(cleanup);
      const runner = make(system, { applicationOptions, retryDelayMs: 1 });
      cleanups.push(() => runner.stop());
      await runner.start();
      const placed = await placeShopOrders(runner);
      await expectShopState(runner, placed, runner.projection(StockLevelsProjection));
      // Payments read only the reservations (4 Reserved), never the refusals.
      expect(runner.follower(Payments, Reservations).topics).toEqual(['Shop.Stock.Reserved']);
    },
    60_000,
  );
});
