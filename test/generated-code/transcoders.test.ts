/**
 * The generated transcoders' wire form, their refusals (DecodeError naming topic, version and
 * field path), upcasting of old versions and refusal of versions newer than the code.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { DecodeError, UnknownSchemaVersionError } from '../../runtime/index.js';
import { depositedCodec, accountStateCodec } from '../../generated/bank/index.js';
import { everythingCodec, labelledCodec, sinkStateCodec } from '../fixtures/golden/kitchen/expected/kitchen/index.js';
import type { EverythingData } from '../fixtures/golden/kitchen/expected/kitchen/index.js';

const everything: EverythingData = {
  amounts: { a: new Decimal('0.1'), b: new Decimal('-12345678901234567890.000000000000000001') },
  at: new Date('2024-02-29T23:59:59.123Z'),
  bigint: 2n ** 100n,
  blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
  colours: ['red', 'blue'],
  day: '2024-02-29',
  decimal: new Decimal('0.30000000000000000000000000001'),
  doc: { nested: [1, 'two', null, { three: true }] },
  flag: false,
  float: 0.1,
  grid: [[1, 2], [], [3]],
  id: '6f1c6d1e-8b2a-4c7e-9a51-0f7b3e2d9c10',
  int: 42,
  price: { amount: new Decimal('9.99'), colour: 'green' },
  tags: [{ label: 'x' }, { label: 'y', price: { amount: new Decimal('1'), colour: 'red' } }],
  text: 'héllo 🐕',
};

type Wire = Record<string, unknown>;
const wireOf = (value: EverythingData): Wire => JSON.parse(JSON.stringify(everythingCodec.encode(value))) as Wire;

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('wire form', () => {
  it('writes decimals and bigints as exact text, datetimes as UTC ISO with ms, bytes as base64, and omits absent optionals', () => {
    const wire = wireOf(everything);
    expect(wire['decimal']).toBe('0.30000000000000000000000000001');
    expect(new Decimal(wire['decimal'] as string).eq(everything.decimal)).toBe(true);
    expect(wire['amounts']).toEqual({ a: '0.1', b: '-12345678901234567890.000000000000000001' });
    expect(wire['bigint']).toBe('1267650600228229401496703205376');
    expect(wire['at']).toBe('2024-02-29T23:59:59.123Z');
    expect(wire['day']).toBe('2024-02-29');
    expect(wire['blob']).toBe('AAEC/f7/');
    expect(wire['price']).toEqual({ amount: '9.99', colour: 'green' });
    expect(wire['tags']).toEqual([{ label: 'x' }, { label: 'y', price: { amount: '1', colour: 'red' } }]);
    expect('note' in wire).toBe(false);
    expect('when' in wire).toBe(false);
    expect(everythingCodec.decode(wire, 1)).toStrictEqual(everything);
  });

  it('round-trips integers beyond 2^53 that the validators accept, and extreme datetimes', () => {
    const value = { ...everything, int: 2 ** 60, at: new Date(8.64e15) };
    expect(everythingCodec.decode(JSON.parse(JSON.stringify(everythingCodec.encode(value))), 1)).toStrictEqual(value);
    expect(wireOf(value)['at']).toBe('+275760-09-13T00:00:00.000Z');
  });

  it('keeps a present optional and reads a datetime written with an offset as the same instant', () => {
    const wire = { ...wireOf({ ...everything, note: '', when: new Date(0) }), at: '2024-03-01T01:59:59.123+02:00' };
    const decoded = everythingCodec.decode(wire, 1);
    expect(decoded.note).toBe('');
    expect(decoded.when).toEqual(new Date(0));
    expect(decoded.at.toISOString()).toBe('2024-02-29T23:59:59.123Z');
  });

  it('keeps map and json keys that name Object.prototype members as plain own keys', () => {
    // Parsed JSON holds `__proto__` as an own key; a decoder that assigns it to `{}` would set a prototype instead.
    const wire = {
      ...wireOf(everything),
      amounts: JSON.parse('{"__proto__":"1.5","constructor":"2","toString":"3"}') as unknown,
      doc: JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
    };
    const decoded = everythingCodec.decode(wire, 1);
    expect(Object.keys(decoded.amounts)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(decoded.amounts)).toBe(Object.prototype);
    expect(decoded.amounts['__proto__']?.toString()).toBe('1.5');
    expect(JSON.stringify(decoded.doc)).toBe('{"__proto__":{"polluted":true}}');
    expect(JSON.stringify(everythingCodec.encode(decoded))).toBe(JSON.stringify(wire));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('decode refuses data that does not fit, naming topic, version and field path', () => {
  const cases: [string, (w: Wire) => unknown, string, RegExp][] = [
    ['missing required field', ({ text: _t, ...rest }) => rest, 'text', /missing required field \(expected a string\)/],
    ['wrong type', (w) => ({ ...w, text: 7 }), 'text', /expected a string, got number 7/],
    ['int that is not an integer', (w) => ({ ...w, int: 1.5 }), 'int', /expected an integer/],
    ['float that is a string', (w) => ({ ...w, float: '1' }), 'float', /expected a finite number/],
    ['decimal that is a number', (w) => ({ ...w, decimal: 0.1 }), 'decimal', /decimal number as text/],
    ['decimal text that is not a number', (w) => ({ ...w, decimal: '1,5' }), 'decimal', /decimal number as text/],
    ['bigint with a fraction', (w) => ({ ...w, bigint: '1.0' }), 'bigint', /integer as text/],
    ['date that does not exist', (w) => ({ ...w, day: '2023-02-29' }), 'day', /date YYYY-MM-DD/],
    ['datetime without a time zone', (w) => ({ ...w, at: '2024-01-01T00:00:00' }), 'at', /date-time with a time zone/],
    ['malformed uuid', (w) => ({ ...w, id: 'not-a-uuid' }), 'id', /a UUID/],
    ['bytes that are not base64', (w) => ({ ...w, blob: '***' }), 'blob', /base64/],
    ['enum value not declared', (w) => ({ ...w, colours: ['red', 'purple'] }), 'colours[1]', /one of red, green, blue/],
    [
      'nested value object field',
      (w) => ({ ...w, tags: [{ label: 'x' }, { label: 'y', price: { amount: 'x', colour: 'red' } }] }),
      'tags[1].price.amount',
      /decimal/,
    ],
    [
      'map value',
      (w) => ({ ...w, amounts: { a: '1', b: true } }),
      'amounts.b',
      /decimal number as text, got boolean true/,
    ],
    ['list of lists', (w) => ({ ...w, grid: [[1], [2, 'x']] }), 'grid[1][1]', /integer/],
    ['list that is an object', (w) => ({ ...w, colours: {} }), 'colours', /expected an array, got an object/],
    ['present optional of the wrong type', (w) => ({ ...w, note: null }), 'note', /expected a string, got null/],
  ];
  for (const [name, corrupt, path, problem] of cases) {
    it(name, () => {
      const error = decodeError(() => everythingCodec.decode(corrupt(wireOf(everything)), 1));
      expect(error.topic).toBe('Kitchen.Sink.Everything');
      expect(error.schemaVersion).toBe(1);
      expect(error.path).toBe(path);
      expect(error.problem).toMatch(problem);
      expect(error.message).toContain(`cannot decode Kitchen.Sink.Everything v1 at ${path}:`);
    });
  }

  it('a payload that is not an object', () => {
    const error = decodeError(() => everythingCodec.decode([], 1));
    expect([error.topic, error.schemaVersion, error.path, error.problem]).toEqual([
      'Kitchen.Sink.Everything',
      1,
      '',
      'expected an object, got an array',
    ]);
  });

  it('an old version is checked in its own shape and reports its own version', () => {
    const error = decodeError(() => labelledCodec.decode({ label: 'new field name' }, 1));
    expect([error.topic, error.schemaVersion, error.path]).toEqual(['Kitchen.Sink.Labelled', 1, 'text']);
  });
});

describe('versions', () => {
  it('upcasts an old event version through the generated chain', () => {
    expect(labelledCodec.decode({ text: 'old' }, 1)).toStrictEqual({ label: 'old' });
    expect(labelledCodec.decode({ label: 'new' }, 2)).toStrictEqual({ label: 'new' });
    expect(labelledCodec.version).toBe(2);
  });

  it('upcasts Bank Deposited v1 → v2 → v3 and Account state v1 → v2 (custom upcasters included)', () => {
    const v3 = depositedCodec.decode({ sum: '10.50', channel: 'atm', note: 'cash' }, 1);
    expect(v3.amount.eq(new Decimal('10.5'))).toBe(true);
    expect(v3.reference).toBe('');
    expect(v3.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(depositedCodec.decode({ sum: '10.50', channel: 'atm', note: 'cash' }, 1)).toStrictEqual(v3);
    const state = accountStateCodec.decode(
      {
        holder: 'Ada',
        email: 'a@b.c',
        balance: '5',
        currency: 'EUR',
        closed: true,
        transactionCount: 2,
        tags: ['x'],
        openedOn: '2020-01-31',
      },
      1,
    );
    expect(state.owner).toBe('Ada');
    expect(state.status).toBe('closed');
    expect(state.overdraftLimit.eq(0)).toBe(true);
    expect(state.limits).toEqual({});
  });

  it('refuses a version newer than the code, or no version at all', () => {
    for (const version of [3, 0, -1, 1.5]) {
      expect(() => labelledCodec.decode({ label: 'x' }, version)).toThrow(UnknownSchemaVersionError);
    }
    expect(() => sinkStateCodec.decode({}, 2)).toThrow(
      /Kitchen\.Sink stored at schema version 2, but this code knows versions 1\.\.1/,
    );
  });
});
