/**
 * The runtime helpers keyed apply operations compile to, checked as properties over random
 * lists and maps (duplicate keys and object-member names such as `__proto__` included) against
 * what docs/language.md promises, plus value comparison of decimal keys.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { removeByKey, removeEntry, updateByKey, updateEntry, upsertByKey } from '../../runtime/internal.js';

interface Item {
  readonly key: string;
  readonly n: number;
}
const keys = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'toString');
const item = fc.record({ key: keys, n: fc.integer() });
const list = fc.array(item, { maxLength: 8 });
const map = fc.dictionary(keys, fc.integer(), { maxKeys: 4 });
const keyOf = (element: Item): string => element.key;
const bump = (element: Item): Item => ({ ...element, n: element.n + 1 });

describe('keyed list helpers', () => {
  it('upsertByKey leaves exactly one element with the key, where the first was (or at the end), and the others in order', () => {
    fc.assert(
      fc.property(list, item, (before, value) => {
        const copy = structuredClone(before);
        const after = upsertByKey(before, keyOf, value);
        expect(before).toEqual(copy);
        expect(after.filter((e) => e.key === value.key)).toEqual([value]);
        expect(after.filter((e) => e.key !== value.key)).toEqual(before.filter((e) => e.key !== value.key));
        const first = before.findIndex((e) => e.key === value.key);
        expect(after.indexOf(value)).toBe(first < 0 ? after.length - 1 : first);
      }),
    );
  });

  it('updateByKey changes only the first element with the key; an absent key appends update(create()) or changes nothing', () => {
    fc.assert(
      fc.property(list, keys, fc.boolean(), (before, key, withCreate) => {
        const copy = structuredClone(before);
        const after = updateByKey(before, keyOf, key, bump, withCreate ? () => ({ key, n: 10 }) : undefined);
        expect(before).toEqual(copy);
        expect(after).not.toBe(before);
        const first = before.findIndex((e) => e.key === key);
        if (first >= 0) expect(after).toEqual(before.map((e, i) => (i === first ? bump(e) : e)));
        else expect(after).toEqual(withCreate ? [...before, { key, n: 11 }] : before);
      }),
    );
  });

  it('removeByKey removes every element with the key and keeps the rest in order', () => {
    fc.assert(
      fc.property(list, keys, (before, key) => {
        const copy = structuredClone(before);
        expect(removeByKey(before, keyOf, key)).toEqual(before.filter((e) => e.key !== key));
        expect(before).toEqual(copy);
      }),
    );
  });

  it('compares keys by value: decimals of equal value are one key', () => {
    const lines = [
      { price: new Decimal('1.50'), n: 1 },
      { price: new Decimal('2'), n: 2 },
    ];
    const after = upsertByKey(lines, (e) => e.price, { price: new Decimal('1.5'), n: 9 });
    expect(after.map((e) => `${e.price.toString()}:${e.n}`)).toEqual(['1.5:9', '2:2']);
    expect(removeByKey(lines, (e) => e.price, new Decimal('2.000')).map((e) => e.n)).toEqual([1]);
  });
});

describe('keyed map helpers', () => {
  it('updateEntry updates an own entry, and treats a key the map does not own (even `toString`) as absent', () => {
    fc.assert(
      fc.property(map, keys, fc.boolean(), (before, key, withCreate) => {
        const copy = { ...before };
        const after = updateEntry(before, key, (n) => n + 1, withCreate ? () => 10 : undefined);
        expect(before).toEqual(copy);
        expect(after).not.toBe(before);
        expect(Object.getPrototypeOf(after)).toBe(Object.prototype);
        const expected = { ...before };
        if (Object.hasOwn(before, key))
          Object.defineProperty(expected, key, {
            value: (before[key] ?? 0) + 1,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else if (withCreate)
          Object.defineProperty(expected, key, { value: 11, enumerable: true, writable: true, configurable: true });
        expect(Object.entries(after).sort()).toEqual(Object.entries(expected).sort());
      }),
    );
  });

  it('removeEntry deletes only the entry at the key', () => {
    fc.assert(
      fc.property(map, keys, (before, key) => {
        const copy = { ...before };
        const after = removeEntry(before, key);
        expect(before).toEqual(copy);
        expect(Object.entries(after)).toEqual(Object.entries(before).filter(([k]) => k !== key));
      }),
    );
  });
});
