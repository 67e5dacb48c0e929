/**
 * Constants in `apply`, end to end (schema → compile() → the generated class): a value of the
 * target's enum is an enum literal with no EF509 warning even when it resembles an event field,
 * and a quoted string is always a constant, even when an event field has that name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { importGenerated, type ImportedGenerated } from './import-generated.js';

const schema = `domain: Orders
types:
  OrderStatus: { enum: [Placed, Confirmed, cancelled] }
aggregates:
  Order:
    state:
      fields:
        status: { type: OrderStatus, default: Placed }
        label: { type: string, default: "" }
        confirmedAt: datetime?
    events:
      Placed: { creates: true, apply: none }
      Confirmed:
        fields: { confirmedAt: datetime }
        apply: { set: { status: Confirmed }, assign: { confirmedAt: confirmedAt } }
      Labelled:
        fields: { note: string }
        apply: { set: { label: "note" } }
      Cancelled:
        fields: { cancelled: boolean }
        apply: { set: { status: 'cancelled' } }
`;

interface OrderInstance {
  readonly status: string;
  readonly label: string;
  readonly confirmedAt?: Date;
  triggerConfirmed(input: { confirmedAt: Date }): unknown;
  triggerLabelled(input: { note: string }): unknown;
  triggerCancelled(input: { cancelled: boolean }): unknown;
}
interface OrderClass {
  create(input: Record<string, never>): OrderInstance;
}

const result = compile({ sources: [{ path: 'schemas/orders.domain.yaml', text: schema }], outToCwd: '..' });
let generated: ImportedGenerated<{ Order: OrderClass }>;

beforeAll(async () => {
  generated = await importGenerated<{ Order: OrderClass }>(result.files, 'orders/aggregates', '.apply-constants-');
});
afterAll(() => generated.remove());

describe('constants in apply', () => {
  it('compiles without a warning: the enum value is not taken for a misspelt event field, quoted names are constants', () => {
    expect(result.diagnostics).toEqual([]);
    const events = result.project?.domains[0]?.aggregates[0]?.events ?? [];
    const sources = Object.fromEntries(
      events.map((e) => [
        e.name,
        e.apply.kind === 'declarative' ? e.apply.ops.flatMap((o) => ('source' in o ? [o.source] : [])) : [],
      ]),
    );
    expect(sources['Confirmed']).toEqual([
      { kind: 'eventField', field: 'confirmedAt' },
      { kind: 'constant', value: 'Confirmed' },
    ]);
    expect(sources['Labelled']).toEqual([{ kind: 'constant', value: 'note' }]);
    expect(sources['Cancelled']).toEqual([{ kind: 'constant', value: 'cancelled' }]);
  });

  it('the generated class sets the enum literal and the quoted constants', () => {
    const order = generated.module.Order.create({});
    expect(order.status).toBe('Placed');
    order.triggerConfirmed({ confirmedAt: new Date('2026-01-02T03:04:05Z') });
    expect([order.status, order.confirmedAt?.toISOString()]).toEqual(['Confirmed', '2026-01-02T03:04:05.000Z']);
    order.triggerLabelled({ note: 'fragile' });
    expect(order.label).toBe('note');
    order.triggerCancelled({ cancelled: false });
    expect(order.status).toBe('cancelled');
  });

  it('still warns (EF509) for a bare string close to an event field that the target is not an enum of', () => {
    const typo = schema.replace('set: { label: "note" }', 'set: { label: nite }');
    const warnings = compile({ sources: [{ path: 'orders.domain.yaml', text: typo }], skipEmit: true }).diagnostics;
    expect(warnings.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)).toEqual(['EF509 18:32']);
    expect(warnings[0]?.hint).toContain(
      'did you mean event field "note"? If the constant is meant, quote it: `"nite"`',
    );
  });

  it('without the quotes a name shared by an event field and the enum means the event field (EF503 here, with the way out)', () => {
    const bare = schema.replace("set: { status: 'cancelled' }", 'set: { status: cancelled }');
    const errors = compile({ sources: [{ path: 'orders.domain.yaml', text: bare }], skipEmit: true }).diagnostics;
    expect(errors.map((d) => d.code)).toEqual(['EF503']);
    expect(errors[0]?.hint).toContain('to mean the enum value, quote it: `"cancelled"`');
  });
});
