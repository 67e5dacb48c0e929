/**
 * The shop (examples/shop.ts) run single-threaded in memory: each command returns once the
 * whole chain is quiet. With DATABASE_URL_PREFIX=file:./data/ each application gets a SQLite file.
 *   npx tsx --conditions=eventforge-source examples/shop-main.ts
 */
import { SingleThreadedRunner } from 'eventforge/runtime';
import { StockLevelsProjection } from '../generated/shop/index.js';
import { Orders, Payments, Reservations, system } from './shop.js';

const prefix = process.env['DATABASE_URL_PREFIX'];
const runner = new SingleThreadedRunner(system, {
  applicationOptions: (name) => ({
    env: { DATABASE_URL: prefix === undefined ? 'memory:' : `${prefix}${name}.sqlite` },
  }),
});
await runner.start();
try {
  const orders = runner.get(Orders);
  const reservations = runner.get(Reservations);
  const payments = runner.get(Payments);
  await reservations.receive('apple', 5);
  const first = await orders.placeOrder(
    { customer: 'alice', sku: 'apple', quantity: 4, priceCents: 50 },
    { requestId: 'r-1' },
  );
  const second = await orders.placeOrder(
    { customer: 'bob', sku: 'apple', quantity: 2, priceCents: 50 },
    { requestId: 'r-2' },
  );
  for (const [who, id] of [
    ['alice', first],
    ['bob', second],
  ] as const) {
    const payment = await payments.paymentOf(id);
    console.log(`${who}: ${payment === undefined ? 'refused' : `charged ${payment.amountCents} cents`}`);
    if (payment !== undefined) console.log('  metadata of the charge:', await payments.metadataOf(payment.id, 1));
  }
  console.log('stock levels:', await reservations.stockLevels(runner.projection(StockLevelsProjection)));
} finally {
  await runner.stop();
}
