/**
 * fast-check arbitraries of typed payload values, derived from the IR: one per field type, so
 * every event and state of every example schema gets a round-trip property without hand-written
 * generators.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import type { DomainDef, FieldDef, ScalarKind, TypeRef } from '../../generator/ir/model.js';

/** -0 has no JSON form (it is written as 0), so numbers are generated without it. */
const noNegativeZero = (n: number): number => (Object.is(n, -0) ? 0 : n);

export const scalarArbitraries: Record<ScalarKind, fc.Arbitrary<unknown>> = {
  string: fc.string({ unit: 'binary', maxLength: 20 }),
  int: fc.maxSafeInteger().map(noNegativeZero),
  float: fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegativeZero),
  decimal: fc
    .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: -30, max: 30 }))
    .map(([digits, exponent]) => new Decimal(`${digits}e${exponent}`)),
  bigint: fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }),
  boolean: fc.boolean(),
  uuid: fc.uuid(),
  datetime: fc.date({ noInvalidDate: true }),
  date: fc
    .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  bytes: fc.uint8Array({ maxLength: 40 }),
  // Through JSON once: plain prototypes and no -0, as a parsed payload has.
  json: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown),
};

export function typeArbitrary(type: TypeRef, domain: DomainDef): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'scalar':
      return scalarArbitraries[type.scalar];
    case 'enum': {
      const values = domain.enums.find((e) => e.name === type.name)?.values ?? [];
      return fc.constantFrom(...values);
    }
    case 'valueObject': {
      const vo = domain.valueObjects.find((v) => v.name === type.name);
      return fieldsArbitrary(vo?.fields ?? [], domain);
    }
    case 'list':
      return fc.array(typeArbitrary(type.element, domain), { maxLength: 4 });
    case 'map':
      return fc.dictionary(fc.string({ maxLength: 8 }), typeArbitrary(type.value, domain), {
        maxKeys: 4,
        noNullPrototype: true,
      });
  }
}

/** A payload: required fields always present, optional ones present or absent (never `undefined`). */
export function fieldsArbitrary(fields: readonly FieldDef[], domain: DomainDef): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(fields.map((f) => [f.name, typeArbitrary(f.type, domain)]));
  return fc.record(model, {
    requiredKeys: fields.filter((f) => !f.optional).map((f) => f.name),
    noNullPrototype: true,
  }) as fc.Arbitrary<Record<string, unknown>>;
}
