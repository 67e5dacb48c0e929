/**
 * The worked example of a chain (examples/shop.ts): Orders → Reservations → Payments, with the
 * StockLevels view beside Reservations. The same scenario under the single-threaded and the
 * concurrent runner, on the in-memory store, SQLite files and PostgreSQL schemas, with
 * assertions on the final state, the view, counts and the metadata down the chain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrentRunner, type RunnerOptions, SingleThreadedRunner, type System } from 'eventforge/runtime';
import { Orders, Payments, Reservations, Stock, system } from '../../examples/shop.js';
import { StockLevelsProjection } from '../../generated/shop/index.js';
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
      const orders = runner.get(Orders);
      const reservations = runner.get(Reservations);
      await reservations.receive('apple', 5);
      await reservations.receive('pear', 2);
      await reservations.receive('apple', 1); // 6 apples, 2 pears
      const placed: string[] = [];
      const place = async (customer: string, sku: string, quantity: number, priceCents: number) =>
        placed.push(
          await orders.placeOrder({ customer, sku, quantity, priceCents }, { requestId: `r-${placed.length + 1}` }),
        );
      await place('alice', 'apple', 4, 50); // reserved: 2 apples left
      await place('bob', 'pear', 1, 80); // reserved: 1 pear left
      await place('carol', 'apple', 3, 50); // refused
      await place('dave', 'pear', 1, 80); // reserved: 0 pears left
      await place('erin', 'pear', 1, 80); // refused
      await place('frank', 'plum', 1, 99); // refused: never stocked
      await place('grace', 'apple', 2, 50); // reserved: 0 apples left
      await runner.quiet({ timeout: 30_000 });

      // Reservations' stock, from its aggregates.
      const apple = await reservations.stock.get(Stock.idOf('apple'));
      expect([apple.onHand, apple.reserved]).toEqual([0, 6]);
      const pear = await reservations.stock.get(Stock.idOf('pear'));
      expect([pear.onHand, pear.reserved]).toEqual([0, 2]);
      // The view says the same of every product, in one query.
      expect(await reservations.stockLevels(runner.projection(StockLevelsProjection))).toEqual([
        { stockId: Stock.idOf('apple'), sku: 'apple', onHand: 0, reserved: 6, refusals: 1 },
        { stockId: Stock.idOf('pear'), sku: 'pear', onHand: 0, reserved: 2, refusals: 1 },
        { stockId: Stock.idOf('plum'), sku: 'plum', onHand: 0, reserved: 0, refusals: 1 },
      ]);

      // Payments charged exactly the four reserved orders, once each.
      const payments = runner.get(Payments);
      const charged = await Promise.all(placed.map(async (id) => (await payments.paymentOf(id))?.amountCents ?? null));
      expect(charged).toEqual([200, 80, null, 80, null, null, 100]);
      const paymentTopics: string[] = [];
      for await (const { topic } of payments.log.readAll()) paymentTopics.push(topic);
      expect(paymentTopics).toEqual(Array(4).fill('Shop.Payment.Charged'));
      const topics: string[] = [];
      for await (const { topic } of reservations.log.readAll()) topics.push(topic);
      expect(topics.filter((t) => t === 'Shop.Stock.Reserved')).toHaveLength(4);
      expect(topics.filter((t) => t === 'Shop.Stock.Refused')).toHaveLength(3);
      // Payments read only the reservations (4 Reserved), never the refusals: its lag is 0 at the head.
      expect(runner.follower(Payments, Reservations).topics).toEqual(['Shop.Stock.Reserved']);
      expect(await runner.follower(Payments, Reservations).lag()).toBe(0n);

      // Down the chain: grace's charge was caused by Reservations' event, correlated with her order,
      // and carries the request id her command was given.
      const graceCharge = await payments.paymentOf(placed[6]!);
      const metadata = await payments.metadataOf(graceCharge!.id, 1);
      const graceOrder = (await orders.log.select(1n, 100)).find((e) => e.event.originatorId === placed[6]);
      expect(metadata).toEqual({
        requestId: 'r-7',
        correlationId: `Orders:${graceOrder!.id}`,
        causationId: expect.stringMatching(/^Reservations:\d+$/),
      });
    },
    60_000,
  );
});
