/**
 * The generated decoders of every historical version (events and aggregate states): a random
 * typed value of version k, written in the documented wire form, decodes through the codec at
 * version k to exactly what the generated upcaster chain k → k+1 → … → current makes of it.
 * The codecs write only the current version, so the wire form of old versions is written here
 * from the IR (docs/language.md: decimals and bigints as text, datetimes as ISO UTC, bytes as
 * base64, absent optionals left out).
 */
import { Buffer } from 'node:buffer';
import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainDef, FieldDef, TypeRef } from '../../generator/ir/model.js';
import { codecName, stateTypeName, upcasterName } from '../../generator/ir/naming.js';
import type { JsonValue } from '../../runtime/index.js';
import { goldenCases } from '../emit/golden-cases.js';
import { fieldsArbitrary } from './arbitraries.js';
import { asCodec, goldenDomain, goldenModule } from './load-golden.js';

function wireValue(type: TypeRef, value: unknown, domain: DomainDef): JsonValue {
  switch (type.kind) {
    case 'scalar':
      switch (type.scalar) {
        case 'decimal':
          return (value as Decimal).toString();
        case 'bigint':
          return (value as bigint).toString();
        case 'datetime':
          return (value as Date).toISOString();
        case 'bytes':
          return Buffer.from(value as Uint8Array).toString('base64');
        default:
          return value as JsonValue;
      }
    case 'enum':
      return value as string;
    case 'valueObject':
      return wireFields(
        domain.valueObjects.find((v) => v.name === type.name)?.fields ?? [],
        value as Record<string, unknown>,
        domain,
      );
    case 'list':
      return (value as unknown[]).map((item) => wireValue(type.element, item, domain));
    case 'map':
      // fromEntries defines own keys, so a `__proto__` key stays a key.
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, wireValue(type.value, v, domain)]),
      );
  }
}

function wireFields(fields: readonly FieldDef[], value: Record<string, unknown>, domain: DomainDef): JsonValue {
  return Object.fromEntries(
    fields.filter((f) => value[f.name] !== undefined).map((f) => [f.name, wireValue(f.type, value[f.name], domain)]),
  );
}

type Upcaster = (previous: unknown) => unknown;

for (const { name: caseName } of goldenCases) {
  const domain = goldenDomain(caseName);
  const payloads = domain.aggregates.flatMap((a) => [
    { name: stateTypeName(a.name), current: a.state.version, versions: a.state.versions },
    ...a.events.map((e) => ({ name: e.name, current: e.version, versions: e.versions })),
  ]);
  const historical = payloads.flatMap((p) =>
    p.versions.filter((v) => v.version < p.current).map((v) => ({ ...p, version: v.version, fields: v.fields })),
  );
  if (historical.length === 0) continue;

  describe(`${caseName}: every historical version decodes to what its upcaster chain makes of it`, () => {
    for (const payload of historical) {
      it(`${payload.name} v${payload.version} → v${payload.current}`, async () => {
        const transcoders = await goldenModule(caseName, domain, 'transcoders');
        const upcasters = await goldenModule(caseName, domain, 'upcasters');
        const codec = asCodec(transcoders[codecName(payload.name)], codecName(payload.name));
        const chain: Upcaster[] = [];
        for (let k = payload.version; k < payload.current; k += 1) {
          const step = upcasters[upcasterName(payload.name, k)];
          expect(typeof step, `${upcasterName(payload.name, k)} is exported`).toBe('function');
          chain.push(step as Upcaster);
        }
        fc.assert(
          fc.property(fieldsArbitrary(payload.fields, domain), (value) => {
            const wire = JSON.parse(JSON.stringify(wireFields(payload.fields, value, domain))) as JsonValue;
            const expected = chain.reduce<unknown>((previous, step) => step(previous), value);
            expect(codec.decode(wire, payload.version)).toStrictEqual(expected);
          }),
          { numRuns: 60 },
        );
      });
    }
  });
}
