/**
 * The shop's scenario (examples/shop.ts), shared by every runner that runs it: the commands, and
 * the final state they must leave (the stock, the StockLevels view, the charges, the counts and
 * the metadata down the chain), so each runner is held to the same assertions.
 */
import type { ConcurrentRunner, SingleThreadedRunner, WorkerRunner } from 'eventforge/runtime';
import { expect } from 'vitest';
import { Orders, Payments, Reservations, Stock } from '../../examples/shop.js';
import type { StockLevelsProjection } from '../../generated/shop/index.js';

export type ShopRunner = SingleThreadedRunner | ConcurrentRunner | WorkerRunner;

/** Stocks apples and pears, places seven orders (four reserved, three refused), waits until quiet; the order ids. */
export async function placeShopOrders(runner: ShopRunner): Promise<string[]> {
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
  return placed;
}

/** The state `placeShopOrders` must leave; `levels` reads the StockLevels view from Reservations' store. */
export async function expectShopState(
  runner: ShopRunner,
  placed: readonly string[],
  levels: StockLevelsProjection,
): Promise<void> {
  const orders = runner.get(Orders);
  const reservations = runner.get(Reservations);
  // Reservations' stock, from its aggregates.
  const apple = await reservations.stock.get(Stock.idOf('apple'));
  expect([apple.onHand, apple.reserved]).toEqual([0, 6]);
  const pear = await reservations.stock.get(Stock.idOf('pear'));
  expect([pear.onHand, pear.reserved]).toEqual([0, 2]);
  // The view says the same of every product, in one query.
  expect(await reservations.stockLevels(levels)).toEqual([
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
  // Every follower is at its leader's head.
  expect(await runner.follower(Reservations, Orders).lag()).toBe(0n);
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
}
