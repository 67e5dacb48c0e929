/**
 * The keyed apply operations written in YAML, end to end: schema text → compile() → generated
 * files on disk, type-checked under the strict options and imported → events triggered and
 * replayed → the state. Covers lists of value objects and maps, an absent key (created from
 * defaults, or ignored), duplicate keys, exact decimals, and that the previous state is never
 * changed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { ROOT } from '../emit/golden-cases.js';
import { importGenerated, type ImportedGenerated } from './import-generated.js';

const schema = `domain: Shop
types:
  Line:
    fields:
      sku: string
      quantity: int
      price: { type: decimal, default: "0" }
      note: string?
  Stock:
    fields:
      amount: { type: decimal, default: "0" }
      places: string[]
aggregates:
  Cart:
    state:
      fields:
        owner: string
        lines: Line[]
        counts: map<int>
        stock: map<Stock>
        prices: map<decimal>
    events:
      Opened:
        creates: true
        fields: { owner: string, firstSku: string }
        apply: { assign: { owner: owner }, incrementAt: { counts: { key: firstSku, by: 1 } } }
      LinePushed: { fields: { line: Line }, apply: { push: { lines: line } } }
      LinesReplaced: { fields: { lines: "Line[]" }, apply: { assign: { lines: lines } } }
      LineSet: { fields: { line: Line }, apply: { upsert: { lines: { key: sku, value: line } } } }
      QuantityAdded:
        fields: { sku: string, quantity: int }
        apply: { incrementAt: { lines: { key: sku, field: quantity, by: quantity }, counts: { key: sku, by: 1 } } }
      QuantityRemoved:
        fields: { itemSku: string, quantity: int }
        apply: { decrementAt: { lines: { key: { sku: itemSku }, field: quantity, by: quantity, ifAbsent: ignore } } }
      LineRemoved:
        fields: { sku: string }
        apply: { removeAt: { lines: { key: sku }, prices: { key: sku } } }
      PriceSet:
        fields: { sku: string, price: decimal }
        apply: { upsert: { prices: { key: sku, value: price } } }
      StockMoved:
        fields: { sku: string, amount: decimal, delta: decimal }
        apply: { incrementAt: { stock: { key: sku, field: amount, by: amount }, prices: { key: sku, by: delta } } }
      StockTaken:
        fields: { sku: string, amount: decimal }
        apply: { decrementAt: { stock: { key: sku, field: amount, by: amount, ifAbsent: ignore } } }
`;

interface Line {
  readonly sku: string;
  readonly quantity: number;
  readonly price: Decimal;
  readonly note?: string;
}
interface Stock {
  readonly amount: Decimal;
  readonly places: readonly string[];
}
interface CartState {
  readonly owner: string;
  readonly lines: readonly Line[];
  readonly counts: Readonly<Record<string, number>>;
  readonly stock: Readonly<Record<string, Stock>>;
  readonly prices: Readonly<Record<string, Decimal>>;
}
interface CartInstance extends CartState {
  readonly pendingEvents: readonly unknown[];
  takeSnapshot(): { state: CartState; version: number };
  applyEvent(event: unknown): void;
  replay(events: readonly unknown[]): void;
  restoreSnapshot(snapshot: unknown): void;
  triggerLinesReplaced(input: { lines: Line[] }): unknown;
  triggerLinePushed(input: { line: Line }): unknown;
  triggerLineSet(input: { line: Line }): unknown;
  triggerQuantityAdded(input: { sku: string; quantity: number }): unknown;
  triggerQuantityRemoved(input: { itemSku: string; quantity: number }): unknown;
  triggerLineRemoved(input: { sku: string }): unknown;
  triggerPriceSet(input: { sku: string; price: Decimal }): unknown;
  triggerStockMoved(input: { sku: string; amount: Decimal; delta: Decimal }): unknown;
  triggerStockTaken(input: { sku: string; amount: Decimal }): unknown;
}
interface CartClass {
  new (): CartInstance;
  create(input: { owner: string; firstSku: string }): CartInstance;
}

const result = compile({ sources: [{ path: 'schemas/shop.domain.yaml', text: schema }], outToCwd: '..' });
let generated: ImportedGenerated<{ Cart: CartClass }>;

beforeAll(async () => {
  generated = await importGenerated<{ Cart: CartClass }>(result.files, 'shop/aggregates', '.keyed-apply-');
});
afterAll(() => generated.remove());

const line = (sku: string, quantity: number, price = '0'): Line => ({ sku, quantity, price: new Decimal(price) });
/** Lines as `sku×quantity@price`, so assertions read as the cart does. */
const linesOf = (state: CartState): string[] =>
  state.lines.map((l) => `${l.sku}×${l.quantity}@${l.price.toString()}${l.note === undefined ? '' : ` (${l.note})`}`);
/** The whole state as plain JSON-able text (decimals as their exact digits). */
const render = (state: CartState): string =>
  JSON.stringify(state, (_, value: unknown) => (Decimal.isDecimal(value) ? `decimal:${value.toFixed()}` : value));

function openCart(): CartInstance {
  return generated.module.Cart.create({ owner: 'ada', firstSku: 'apple' });
}

describe('keyed apply operations', () => {
  it('compile without diagnostics, and the generated code type-checks under the strict compiler options', () => {
    expect(result.diagnostics).toEqual([]);
    const tsconfig = join(generated.dir, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(ROOT, 'test', 'fixtures', 'tsc-strict', 'tsconfig.json'),
        include: ['./**/*.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', tsconfig], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    expect(output).toBe('');
  });

  it('a creation event may start a map entry by key', () => {
    expect(openCart().counts).toEqual({ apple: 1 });
  });

  it('upsert appends an element whose key is absent and replaces the one that has it, in place', () => {
    const cart = openCart();
    cart.triggerLineSet({ line: line('apple', 1) });
    cart.triggerLineSet({ line: line('pear', 2) });
    cart.triggerLineSet({ line: { ...line('apple', 5, '0.30'), note: 'ripe' } });
    expect(linesOf(cart)).toEqual(['apple×5@0.3 (ripe)', 'pear×2@0']);
  });

  it('upsert over duplicate keys replaces the first and drops the others; incrementAt changes only the first; removeAt removes them all', () => {
    const cart = openCart();
    for (const l of [line('apple', 1), line('pear', 1), line('apple', 2), line('apple', 3)])
      cart.triggerLinePushed({ line: l });
    cart.triggerQuantityAdded({ sku: 'apple', quantity: 10 });
    expect(linesOf(cart)).toEqual(['apple×11@0', 'pear×1@0', 'apple×2@0', 'apple×3@0']);
    cart.triggerLineSet({ line: line('apple', 7) });
    expect(linesOf(cart)).toEqual(['apple×7@0', 'pear×1@0']);
    cart.triggerLinePushed({ line: line('apple', 4) });
    cart.triggerLineRemoved({ sku: 'apple' });
    expect(linesOf(cart)).toEqual(['pear×1@0']);
  });

  it('incrementAt creates an absent element from the key and defaults; decrementAt with ifAbsent: ignore leaves the list as it is', () => {
    const cart = openCart();
    cart.triggerQuantityAdded({ sku: 'plum', quantity: 3 });
    expect(cart.lines).toEqual([{ sku: 'plum', quantity: 3, price: new Decimal('0') }]);
    expect('note' in (cart.lines[0] ?? {})).toBe(false);
    cart.triggerQuantityRemoved({ itemSku: 'kiwi', quantity: 1 });
    expect(linesOf(cart)).toEqual(['plum×3@0']);
    cart.triggerQuantityRemoved({ itemSku: 'plum', quantity: 5 });
    expect(linesOf(cart)).toEqual(['plum×-2@0']);
  });

  it('maps: incrementAt counts from zero, upsert sets an entry, removeAt deletes it, an absent key is left alone by removeAt', () => {
    const cart = openCart();
    cart.triggerQuantityAdded({ sku: 'apple', quantity: 1 });
    cart.triggerQuantityAdded({ sku: 'fig', quantity: 1 });
    expect(cart.counts).toEqual({ apple: 2, fig: 1 });
    cart.triggerPriceSet({ sku: 'fig', price: new Decimal('1.10') });
    cart.triggerPriceSet({ sku: 'fig', price: new Decimal('1.25') });
    cart.triggerPriceSet({ sku: 'kiwi', price: new Decimal('0.5') });
    expect(Object.keys(cart.prices)).toEqual(['fig', 'kiwi']);
    cart.triggerLineRemoved({ sku: 'fig' });
    cart.triggerLineRemoved({ sku: 'absent' });
    expect(Object.entries(cart.prices).map(([k, v]) => `${k}=${v.toFixed()}`)).toEqual(['kiwi=0.5']);
  });

  it('keys that look like object members are ordinary keys', () => {
    const cart = openCart();
    cart.triggerQuantityAdded({ sku: 'constructor', quantity: 1 });
    cart.triggerPriceSet({ sku: '__proto__', price: new Decimal('2') });
    expect(cart.counts).toEqual({ apple: 1, constructor: 1 });
    expect(Object.keys(cart.prices)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(cart.prices)).toBe(Object.prototype);
    cart.triggerLineRemoved({ sku: '__proto__' });
    expect(Object.keys(cart.prices)).toEqual([]);
  });

  it('decimal arithmetic on elements is exact beyond decimal.js’s default 20 digits', () => {
    const cart = openCart();
    const big = '123456789012345678901234567890.123456789';
    cart.triggerStockMoved({
      sku: 'gold',
      amount: new Decimal(big),
      delta: new Decimal('0.000000000000000000000000000001'),
    });
    cart.triggerStockMoved({ sku: 'gold', amount: new Decimal('0.000000001'), delta: new Decimal(big) });
    expect(cart.stock['gold']?.amount.toFixed()).toBe('123456789012345678901234567890.12345679');
    expect(cart.stock['gold']?.places).toEqual([]);
    expect(cart.prices['gold']?.toFixed()).toBe('123456789012345678901234567890.123456789000000000000000000001');
    cart.triggerStockTaken({ sku: 'gold', amount: new Decimal('0.1') });
    cart.triggerStockTaken({ sku: 'silver', amount: new Decimal('1') });
    expect(cart.stock['gold']?.amount.toFixed()).toBe('123456789012345678901234567890.02345679');
    expect(Object.keys(cart.stock)).toEqual(['gold']);
  });

  it('never changes the previous state: each event yields new lists, maps and elements', () => {
    const cart = openCart();
    cart.triggerLineSet({ line: line('apple', 1) });
    cart.triggerStockMoved({ sku: 'gold', amount: new Decimal('1'), delta: new Decimal('1') });
    const before = cart.takeSnapshot().state;
    const text = render(before);
    const firstLine = before.lines[0];
    cart.triggerQuantityAdded({ sku: 'apple', quantity: 4 });
    cart.triggerLineSet({ line: line('apple', 9) });
    cart.triggerStockMoved({ sku: 'gold', amount: new Decimal('2'), delta: new Decimal('3') });
    cart.triggerLineRemoved({ sku: 'gold' });
    cart.triggerQuantityRemoved({ itemSku: 'apple', quantity: 1 });
    expect(render(before)).toBe(text);
    expect(firstLine).toEqual(line('apple', 1));
    expect(render(cart.takeSnapshot().state)).not.toBe(text);
    expect(linesOf(cart)).toEqual(['apple×8@0']);
  });

  it('replaying the stored events rebuilds the same state', () => {
    const cart = openCart();
    cart.triggerLinePushed({ line: line('apple', 1) });
    cart.triggerLinePushed({ line: line('apple', 2) });
    cart.triggerQuantityAdded({ sku: 'pear', quantity: 2 });
    cart.triggerLineSet({ line: line('apple', 3, '0.99') });
    cart.triggerStockMoved({ sku: 'gold', amount: new Decimal('0.1'), delta: new Decimal('0.2') });
    const replayed = new generated.module.Cart();
    for (const event of cart.pendingEvents) replayed.applyEvent(event);
    expect(render(replayed.takeSnapshot().state)).toBe(render(cart.takeSnapshot().state));
  });
});

describe('replay in place (what a load does)', () => {
  /** Every kind of keyed and list op, in a random order of `n` commands (a fixed seed). */
  function randomCart(n: number, seed: number): CartInstance {
    let x = seed;
    const next = (k: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % k;
    };
    const skus = ['apple', 'pear', 'fig', '__proto__'];
    const cart = openCart();
    for (let i = 0; i < n; i++) {
      const sku = skus[next(skus.length)]!;
      const amount = new Decimal(`${next(50)}.${next(10)}`);
      const commands = [
        () => cart.triggerLinePushed({ line: line(sku, next(5)) }),
        () => cart.triggerLineSet({ line: line(sku, next(5), '0.5') }),
        () => cart.triggerQuantityAdded({ sku, quantity: next(7) }),
        () => cart.triggerQuantityRemoved({ itemSku: sku, quantity: next(3) }),
        () => cart.triggerLineRemoved({ sku }),
        () => cart.triggerPriceSet({ sku, price: amount }),
        () => cart.triggerStockMoved({ sku, amount, delta: amount }),
        () => cart.triggerStockTaken({ sku, amount }),
        () => cart.triggerLinesReplaced({ lines: [line(sku, 1), line('kiwi', 2)] }),
      ];
      commands[next(commands.length)]!();
    }
    return cart;
  }

  it('rebuilds the state event by event application does, for random sequences of every op', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const cart = randomCart(60, seed);
      const stepwise = new generated.module.Cart();
      for (const event of cart.pendingEvents) stepwise.applyEvent(event);
      const replayed = new generated.module.Cart();
      replayed.replay(cart.pendingEvents);
      expect(render(replayed.takeSnapshot().state), `seed ${seed}`).toBe(render(stepwise.takeSnapshot().state));
      expect(render(replayed.takeSnapshot().state), `seed ${seed}`).toBe(render(cart.takeSnapshot().state));
    }
  });

  it('changes neither the events it applies (a list assigned from one stays as it was) nor a restored snapshot', () => {
    const cart = openCart();
    cart.triggerLinesReplaced({ lines: [line('apple', 1)] });
    cart.triggerLinePushed({ line: line('pear', 2) });
    cart.triggerLineSet({ line: line('apple', 5) });
    cart.triggerPriceSet({ sku: 'fig', price: new Decimal('1') });
    const events = cart.pendingEvents;
    const eventsText = JSON.stringify(events);
    const replayed = new generated.module.Cart();
    replayed.replay(events.slice(0, 2));
    const snapshot = replayed.takeSnapshot();
    const snapshotText = render(snapshot.state);

    const loaded = new generated.module.Cart();
    loaded.restoreSnapshot(snapshot);
    loaded.replay(events.slice(2));
    expect(linesOf(loaded)).toEqual(['apple×5@0', 'pear×2@0']);
    expect(render(snapshot.state)).toBe(snapshotText);
    expect(JSON.stringify(events)).toBe(eventsText);
    expect(linesOf(snapshot.state)).toEqual(['apple×1@0']);
  });
});
