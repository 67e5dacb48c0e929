/**
 * Every declarative apply operation written in YAML, end to end: schema text → compile() →
 * generated files on disk → the ready class imported and used. The example schemas never write
 * `decrement`, and the Kitchen golden builds its IR by hand, so this is the one test that the
 * YAML form of each operation reaches the generated aggregate and behaves.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { ValidationError } from '../../runtime/index.js';
import { importGenerated, type ImportedGenerated } from './import-generated.js';

const schema = `domain: Pantry
types:
  Item:
    fields:
      name: { type: string, minLength: 1 }
      origin: string?
  ShelfStatus: { enum: [open, closed] }
aggregates:
  Shelf:
    state:
      fields:
        label: string
        stock: { type: int, default: 0 }
        value: { type: decimal, default: "0" }
        grams: { type: bigint, default: 0 }
        items: Item[]
        status: { type: ShelfStatus, default: open }
    events:
      Installed:
        creates: true
        fields: { label: string }
      Stocked:
        fields:
          item: Item
          count: { type: int, min: 1 }
          price: decimal
          weight: bigint
        apply:
          push: { items: item }
          increment: { stock: count, value: price, grams: weight }
      Taken:
        fields:
          item: Item
          count: { type: int, min: 1 }
          price: decimal
          weight: bigint
        apply:
          remove: { items: item }
          decrement: { stock: count, value: price, grams: weight }
      Spoiled:
        apply: { decrement: { stock: 1 } }
      Closed:
        apply: { set: { status: closed } }
`;

/** What the test calls on the generated ready class (its module is imported at run time). */
interface ShelfInstance {
  readonly stock: number;
  readonly value: Decimal;
  readonly grams: bigint;
  readonly items: readonly { readonly name: string; readonly origin?: string }[];
  readonly status: string;
  readonly version: number;
  readonly pendingEvents: readonly { readonly type: string }[];
  triggerStocked(input: {
    item: { name: string; origin?: string };
    count: number;
    price: Decimal;
    weight: bigint;
  }): unknown;
  triggerTaken(input: {
    item: { name: string; origin?: string };
    count: number;
    price: Decimal;
    weight: bigint;
  }): unknown;
  triggerSpoiled(): unknown;
  triggerClosed(): unknown;
}
interface ShelfClass {
  create(input: { label: string }, options?: { id?: string }): ShelfInstance;
}

let generated: ImportedGenerated<{ Shelf: ShelfClass }>;
let Shelf: ShelfClass;
const result = compile({ sources: [{ path: 'schemas/pantry.domain.yaml', text: schema }], outToCwd: '..' });

beforeAll(async () => {
  generated = await importGenerated<{ Shelf: ShelfClass }>(result.files, 'pantry/aggregates', '.apply-yaml-');
  Shelf = generated.module.Shelf;
});
afterAll(() => generated.remove());

describe('declarative apply written in YAML', () => {
  it('compiles to the IR operations: kinds in the documented order, fields as written', () => {
    expect(result.diagnostics).toEqual([]);
    const events = result.project?.domains[0]?.aggregates[0]?.events ?? [];
    const ops = Object.fromEntries(
      events.map((e) => [
        e.name,
        e.apply.kind === 'declarative' ? e.apply.ops.map((o) => `${o.kind} ${o.stateField}`) : e.apply.kind,
      ]),
    );
    expect(ops['Stocked']).toEqual(['push items', 'increment stock', 'increment value', 'increment grams']);
    expect(ops['Taken']).toEqual(['remove items', 'decrement stock', 'decrement value', 'decrement grams']);
    expect(ops['Spoiled']).toEqual(['decrement stock']);
    expect(ops['Closed']).toEqual(['assign status']); // `set` and `assign` are one operation in the IR
  });

  it('generates a ready class (no abstract handler) whose triggers push, remove, increment, decrement and set', () => {
    const shelf = Shelf.create({ label: 'top' }, { id: 'shelf-1' });
    expect([shelf.stock, shelf.value.toString(), shelf.grams, shelf.items, shelf.status]).toEqual([
      0,
      '0',
      0n,
      [],
      'open',
    ]);
    shelf.triggerStocked({
      item: { name: 'jam', origin: 'FR' },
      count: 3,
      price: new Decimal('4.10'),
      weight: 2n ** 60n,
    });
    shelf.triggerStocked({ item: { name: 'tea' }, count: 2, price: new Decimal('0.2'), weight: 5n });
    expect([shelf.stock, shelf.value.toString(), shelf.grams]).toEqual([5, '4.3', 2n ** 60n + 5n]);
    // remove takes out the first element equal by value (an absent optional is not equal to a present one).
    shelf.triggerTaken({ item: { name: 'jam' }, count: 1, price: new Decimal('0.1'), weight: 1n });
    expect(shelf.items).toEqual([{ name: 'jam', origin: 'FR' }, { name: 'tea' }]);
    shelf.triggerTaken({ item: { name: 'jam', origin: 'FR' }, count: 2, price: new Decimal('4.1'), weight: 2n ** 60n });
    expect(shelf.items).toEqual([{ name: 'tea' }]);
    expect([shelf.stock, shelf.value.toString(), shelf.grams]).toEqual([2, '0.1', 4n]);
    shelf.triggerSpoiled();
    expect(shelf.stock).toBe(1);
    shelf.triggerClosed();
    expect(shelf.status).toBe('closed');
    expect(shelf.version).toBe(7);
    expect(shelf.pendingEvents.map((e) => e.type)).toEqual([
      'Installed',
      'Stocked',
      'Stocked',
      'Taken',
      'Taken',
      'Spoiled',
      'Closed',
    ]);
  });

  it('checks the YAML constraints before applying: nothing changes and nothing is queued', () => {
    const shelf = Shelf.create({ label: 'top' });
    expect(() => shelf.triggerTaken({ item: { name: '' }, count: 0, price: new Decimal('1'), weight: 1n })).toThrow(
      ValidationError,
    );
    expect([shelf.stock, shelf.value.toString(), shelf.version, shelf.pendingEvents.length]).toEqual([0, '0', 1, 1]);
  });
});
