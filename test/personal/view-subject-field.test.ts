/**
 * A view of personal data whose subject is a `subject:` field, not the aggregate id: the rows of
 * one customer across many orders are keyed by the customer (a key column filled from the
 * subject field), so one `forget` scrubs all of them — a plain column with its `redacted:` value,
 * an optional column (NULL), a list of personal values, and columns filled from the fields of a
 * personal value object — and a rebuild replays the redacted form into the same
 * placeholders. The generated definition, row type and Prisma model say which columns are personal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Application,
  ProjectionRunner,
  generateCipherKey,
  type AggregateClass,
  type AnyAggregate,
  type DomainDescriptor,
  type ViewDefinition,
  type ViewProjection,
} from 'eventforge/runtime';
import { compile } from '../../generator/index.js';
import { importGenerated, type ImportedGenerated } from '../generated-code/import-generated.js';

const schema = `domain: Shop
types:
  Address:
    fields:
      street: { type: string, pii: true, redacted: "" }
      city: string
aggregates:
  Order:
    subject: customerId
    state:
      fields: { customerId: string }
    events:
      Placed:
        creates: true
        apply: { assign: { customerId: customerId } }
        fields:
          customerId: string
          recipient: { type: string, pii: true }
          phone: { type: string, pii: true }
          shipTo: { type: Address, pii: true }
          billTo: Address
      NoteAdded:
        apply: none
        fields: { customerId: string, note: { type: string, pii: true } }
views:
  CustomerOrders:
    columns:
      customerId: string
      orderId: uuid
      recipient: { type: string, redacted: "[forgotten]" }
      phone: string?
      street: { type: string, redacted: "" }
      city: { type: string, redacted: "?" }
      billingStreet: { type: string, redacted: "" }
      billingCity: string
      notes: { type: "string[]", redacted: [] }
    key: [customerId, orderId]
    on:
      Placed:
        insert:
          customerId: { field: customerId }
          orderId: $id
          recipient: { field: recipient }
          phone: { field: phone }
          street: { field: shipTo.street }
          city: { field: shipTo.city }
          billingStreet: { field: billTo.street }
          billingCity: { field: billTo.city }
      NoteAdded: { list: { customerId: { field: customerId }, orderId: $id, notes: { field: note } } }
`;

/** The generated class's (protected) trigger, called as a hand-written command would. */
interface Order extends AnyAggregate {
  triggerNoteAdded(input: { customerId: string; note: string }): void;
}
interface Row {
  customerId: string;
  orderId: string;
  recipient: string;
  phone: string | null;
  street: string;
  city: string;
  billingStreet: string;
  billingCity: string;
  notes: readonly string[];
}
interface Module {
  Order: AggregateClass<Order> & {
    create(input: {
      customerId: string;
      recipient: string;
      phone: string;
      shipTo: { street: string; city: string };
      billTo: { street: string; city: string };
    }): Order;
  };
  shopDomain: DomainDescriptor;
  customerOrdersView: ViewDefinition<Row, Pick<Row, 'customerId' | 'orderId'>>;
  CustomerOrdersProjection: new () => ViewProjection<Row, Pick<Row, 'customerId' | 'orderId'>>;
}

const result = compile({ sources: [{ path: 'schemas/shop.domain.yaml', text: schema }], outToCwd: '..' });
const file = (path: string) => result.files.find((f) => f.path === path)?.contents ?? '';
let generated: ImportedGenerated<Module>;
const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-view-subject-'));
beforeAll(async () => {
  generated = await importGenerated<Module>(result.files, 'shop/index', '.view-subject-field-');
});
afterAll(() => {
  generated.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('a view keyed by a subject field', () => {
  it('compiles; the definition, row type and Prisma model mark the personal columns and their placeholders', () => {
    expect(result.diagnostics).toEqual([]);
    const view = generated.module.customerOrdersView;
    expect(view.subjectColumn).toBe('customerId');
    expect(view.columns.filter((c) => c.personal).map((c) => [c.name, c.redacted])).toEqual([
      ['recipient', '[forgotten]'],
      ['phone', null],
      ['street', ''],
      ['city', '?'],
      ['billingStreet', ''],
      ['notes', []],
    ]);
    expect(view.columns.find((c) => c.name === 'billingCity')?.personal).toBeUndefined();
    expect(view.columns.find((c) => c.name === 'orderId')?.personal).toBeUndefined();
    expect(file('shop/views.ts')).toContain(
      '/** Personal data: null once its subject is forgotten. */\n  readonly phone',
    );
    expect(file('shop/views.prisma')).toContain(
      '/// Personal data in recipient, phone, street, city, billingStreet, notes',
    );
  });

  it('forget scrubs every row of the customer, in every order; a rebuild replays the same placeholders', async () => {
    const { Order, shopDomain, CustomerOrdersProjection } = generated.module;
    const env = { DATABASE_URL: `file:${join(dir, 'shop.sqlite')}`, EVENTFORGE_MASTER_KEY: generateCipherKey() };
    const app = new Application({ domains: [shopDomain], env, name: 'Shop' });
    const projection = new CustomerOrdersProjection();
    const runner = new ProjectionRunner(app, projection, { pollIntervalMs: 20 });
    const rows = async () => (await app.recorder()).transaction((tx) => projection.view(tx).all());
    try {
      await runner.start();
      const place = (customerId: string, recipient: string) => {
        const order = Order.create({
          customerId,
          recipient,
          phone: '+33 6 12',
          shipTo: { street: '1 Rue', city: 'Lyon' },
          billTo: { street: '2 Quai', city: 'Paris' },
        });
        order.triggerNoteAdded({ customerId, note: `ring ${recipient}` });
        return order;
      };
      const orders = [place('c-7', 'Jane'), place('c-7', 'Jane D.'), place('c-8', 'Bob')];
      await app.save(...orders);
      await runner.wait(await app.log.maxId());
      expect((await rows()).filter((r) => r.customerId === 'c-7').map((r) => r.notes)).toEqual(
        expect.arrayContaining([['ring Jane'], ['ring Jane D.']]),
      );

      await app.forget('c-7');
      // billingCity is not personal: it stays; billTo.street was encrypted on its own and reads as its "" on replay.
      const scrubbed = {
        recipient: '[forgotten]',
        phone: null,
        street: '',
        city: '?',
        billingStreet: '',
        billingCity: 'Paris',
        notes: [],
      };
      const expected = [
        { customerId: 'c-7', orderId: orders[0]!.id, ...scrubbed },
        { customerId: 'c-7', orderId: orders[1]!.id, ...scrubbed },
        {
          customerId: 'c-8',
          orderId: orders[2]!.id,
          recipient: 'Bob',
          phone: '+33 6 12',
          street: '1 Rue',
          city: 'Lyon',
          billingStreet: '2 Quai',
          billingCity: 'Paris',
          notes: ['ring Bob'],
        },
      ];
      expect(await rows()).toEqual(expect.arrayContaining(expected));

      await runner.rebuild();
      await runner.wait(await app.log.maxId());
      expect(await rows()).toEqual(expect.arrayContaining(expected));
      expect(await rows()).toHaveLength(3);
    } finally {
      await runner.stop();
      await app.close();
    }
  });
});
