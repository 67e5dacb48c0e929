/**
 * The worked example of a chain of three applications (schemas/shop.domain.yaml):
 * Orders → Reservations → Payments, plus the StockLevels view of Reservations' stock.
 *
 * - Orders takes orders (a plain application; the command's metadata, e.g. a request id, is
 *   stored with the order and travels down the chain).
 * - Reservations follows Orders: for each placed order it sets the stock aside, or refuses the
 *   order when too little is on hand. The decision is taken on the product's Stock aggregate,
 *   loaded in the batch (consistent: two orders for the last item never both get it). Its
 *   StockLevels view answers what an aggregate cannot: every product's levels in one query.
 * - Payments follows Reservations: it charges each reserved order (refusals are not read).
 *
 * The system definition is exported (`system`), so a runner, or `eventforge run`, can be handed
 * this module. examples/shop-main.ts runs it.
 */
import {
  AggregateNotFoundError,
  Application,
  type ApplicationOptions,
  on,
  ProcessApplication,
  type Projection,
  System,
} from 'eventforge/runtime';
import {
  Order,
  Payment,
  shopDomain,
  StockBase,
  StockLevelsProjection,
  type StockLevelsRow,
} from '../generated/shop/index.js';
import { nameBasedId } from './name-based-id.js';

/** What a command of the shop carries besides its arguments: stored with the events it causes. */
export type ShopRequest = { readonly requestId: string };

/** One product's stock, as Reservations keeps it. */
export class Stock extends StockBase {
  /** One Stock per product: its id is derived from the sku. */
  static idOf(sku: string): string {
    return nameBasedId('Stock', sku);
  }

  receive(quantity: number): void {
    this.triggerReceived({ quantity });
  }

  /** Sets `quantity` aside for the order, or refuses it when less is on hand; whether it reserved. */
  reserveFor(order: {
    readonly orderId: string;
    readonly customer: string;
    readonly quantity: number;
    readonly amountCents: number;
  }): boolean {
    if (order.quantity > this.onHand) {
      this.triggerRefused({ orderId: order.orderId, quantity: order.quantity });
      return false;
    }
    this.triggerReserved(order);
    return true;
  }
}

/** Takes orders. */
export class Orders extends Application<ShopRequest> {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [shopDomain] });
  }

  readonly orders = this.repository(Order);

  /** Places an order; its id. */
  async placeOrder(
    order: { readonly customer: string; readonly sku: string; readonly quantity: number; readonly priceCents: number },
    request: ShopRequest,
  ): Promise<string> {
    const placed = Order.create(order);
    await this.save(placed, { metadata: request });
    return placed.id;
  }
}

/** Sets stock aside for orders; receives goods. */
export class Reservations extends ProcessApplication {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [shopDomain] });
  }

  readonly stock = this.repository(Stock);

  readonly policy = [
    on(Order, {
      Placed: async (event, processing) => {
        const { customer, sku, quantity, priceCents } = event.data;
        // A product never stocked has nothing on hand: its Stock is opened to record the refusal.
        const stock = (await processing.find(Stock, Stock.idOf(sku))) ?? Stock.create({ sku }, { id: Stock.idOf(sku) });
        stock.reserveFor({ orderId: event.originatorId, customer, quantity, amountCents: quantity * priceCents });
        processing.collect(stock);
      },
    }),
  ];

  /** Goods came in (a command of its own, beside the policy). */
  async receive(sku: string, quantity: number): Promise<void> {
    const id = Stock.idOf(sku);
    const stock = await this.stock.get(id).catch((error: unknown) => {
      if (error instanceof AggregateNotFoundError) return Stock.create({ sku }, { id });
      throw error;
    });
    stock.receive(quantity);
    await this.save(stock);
  }

  /** Every product's levels, by sku, from the StockLevels view (kept by `levels`, a projection of this application). */
  async stockLevels(levels: StockLevelsProjection): Promise<StockLevelsRow[]> {
    const recorder = await this.recorder();
    const rows = await recorder.transaction((tx) => levels.view(tx).all());
    return [...rows].sort((a, b) => a.sku.localeCompare(b.sku));
  }
}

/** Charges the reserved orders. */
export class Payments extends ProcessApplication {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [shopDomain] });
  }

  readonly payments = this.repository(Payment);

  readonly policy = [
    on(Stock, {
      Reserved: (event, processing) => {
        const { orderId, customer, amountCents } = event.data;
        processing.collect(Payment.create({ orderId, customer, amountCents }, { id: nameBasedId('Payment', orderId) }));
      },
    }),
  ];

  /** The charge of an order; undefined when there is none (refused, or not processed yet). */
  async paymentOf(orderId: string): Promise<Payment | undefined> {
    return this.payments.get(nameBasedId('Payment', orderId)).catch((error: unknown) => {
      if (error instanceof AggregateNotFoundError) return undefined;
      throw error;
    });
  }
}

/** The shop as a system: the chain, and the view beside Reservations. */
export const system = new System([
  [Orders, Reservations, Payments],
  [Reservations, StockLevelsProjection as new () => Projection],
]);
