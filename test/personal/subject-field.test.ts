/**
 * `subject:` names the field holding whose personal data a payload carries: one customer's data
 * in two aggregate types shares one key, one `forget` covers both, and two applications making
 * that key at once end with one key and both saves stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Application,
  createMemoryRecorder,
  generateCipherKey,
  isRedacted,
  type AggregateClass,
  type AnyAggregate,
  type DomainDescriptor,
  type Recorder,
} from 'eventforge/runtime';
import { compile } from '../../generator/index.js';
import { importGenerated, type ImportedGenerated } from '../generated-code/import-generated.js';

const schema = `domain: Shop
aggregates:
  Order:
    subject: customerId
    state:
      fields:
        customerId: string
        address: { type: string, pii: true, redacted: "" }
    events:
      Placed:
        creates: true
        fields: { customerId: string, address: { type: string, pii: true, redacted: "" } }
  Ticket:
    subject: customerId
    state:
      fields: { customerId: string, message: { type: string, pii: true } }
    events:
      Opened:
        creates: true
        fields: { customerId: string, message: { type: string, pii: true } }
`;

interface Order extends AnyAggregate {
  readonly customerId: string;
  readonly address: string;
}
interface Ticket extends AnyAggregate {
  readonly message: unknown;
}
interface Module {
  Order: AggregateClass<Order> & { create(input: { customerId: string; address: string }): Order };
  Ticket: AggregateClass<Ticket> & { create(input: { customerId: string; message: string }): Ticket };
  shopDomain: DomainDescriptor;
}

const result = compile({ sources: [{ path: 'schemas/shop.domain.yaml', text: schema }], outToCwd: '..' });
let generated: ImportedGenerated<Module>;
beforeAll(async () => {
  generated = await importGenerated<Module>(result.files, 'shop/index', '.subject-field-');
});
afterAll(() => generated.remove());

describe('a subject field', () => {
  const env = { EVENTFORGE_MASTER_KEY: generateCipherKey() };
  const app = (recorder: Recorder) =>
    new Application({ domains: [generated.module.shopDomain], recorder, env, name: 'Shop' });

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('shares one key across aggregates of the customer, and one forget covers them all', async () => {
    const { Order, Ticket } = generated.module;
    const recorder = createMemoryRecorder();
    const shop = app(recorder);
    const order = Order.create({ customerId: 'customer-7', address: '1 Main Street' });
    const ticket = Ticket.create({ customerId: 'customer-7', message: 'my parcel is late' });
    const other = Order.create({ customerId: 'customer-8', address: '2 High Street' });
    await shop.save(order, ticket, other);
    expect((await recorder.listDataKeys(undefined, 10)).map((k) => k.subject)).toEqual(['customer-7', 'customer-8']);

    expect(await shop.forget('customer-7')).toBe(true);
    const fresh = app(recorder);
    expect((await fresh.repository(Order).get(order.id)).address).toBe('');
    expect(isRedacted((await fresh.repository(Ticket).get(ticket.id)).message)).toBe(true);
    expect((await fresh.repository(Order).get(other.id)).address).toBe('2 High Street');
  });

  it('two applications making the same new key at once: one key is stored, both saves succeed', async () => {
    const { Order } = generated.module;
    const recorder = createMemoryRecorder();
    const [a, b] = [app(recorder), app(recorder)];
    const first = Order.create({ customerId: 'customer-9', address: 'first address' });
    const second = Order.create({ customerId: 'customer-9', address: 'second address' });
    await Promise.all([a.save(first), b.save(second)]);
    expect((await recorder.listDataKeys(undefined, 10)).map((k) => k.subject)).toEqual(['customer-9']);
    const reader = app(recorder);
    expect((await reader.repository(Order).get(first.id)).address).toBe('first address');
    expect((await reader.repository(Order).get(second.id)).address).toBe('second address');
  });
});
