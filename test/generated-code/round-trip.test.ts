/**
 * Round-trip properties of the generated transcoders: for every event and state of every
 * example schema and of the Kitchen domain (every field type), a random typed value survives
 * encode → JSON.stringify → JSON.parse → decode exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecName, stateTypeName } from '../../generator/ir/naming.js';
import { DecodeError } from '../../runtime/index.js';
import { goldenCases } from '../emit/golden-cases.js';
import { fieldsArbitrary } from './arbitraries.js';
import { asCodec, goldenDomain, goldenModule } from './load-golden.js';

for (const { name: caseName } of goldenCases) {
  describe(`${caseName}: every payload round-trips through its generated codec`, () => {
    const domain = goldenDomain(caseName);
    const payloads = domain.aggregates.flatMap((a) => [
      { name: stateTypeName(a.name), version: a.state.version, fields: a.state.fields },
      ...a.events.map((e) => ({ name: e.name, version: e.version, fields: e.fields })),
    ]);

    it('covers every payload of the domain', () => {
      expect(payloads.length).toBe(domain.aggregates.reduce((n, a) => n + 1 + a.events.length, 0));
    });

    for (const payload of payloads) {
      it(`${payload.name} v${payload.version}`, async () => {
        const transcoders = await goldenModule(caseName, domain, 'transcoders');
        const codec = asCodec(transcoders[codecName(payload.name)], codecName(payload.name));
        expect(codec.version).toBe(payload.version);
        fc.assert(
          fc.property(fieldsArbitrary(payload.fields, domain), (value) => {
            const text = JSON.stringify(codec.encode(value));
            const decoded = codec.decode(JSON.parse(text), payload.version);
            expect(decoded).toStrictEqual(value);
            // Encoding is a function of the value: the decoded value encodes to the same text.
            expect(JSON.stringify(codec.encode(decoded))).toBe(text);
          }),
          { numRuns: 60 },
        );
      });

      it(`${payload.name}: any JSON, or a valid payload with one field replaced, decodes or fails with DecodeError only`, async () => {
        const transcoders = await goldenModule(caseName, domain, 'transcoders');
        const codec = asCodec(transcoders[codecName(payload.name)], codecName(payload.name));
        const names = payload.fields.map((f) => f.name);
        const corrupted = fc
          .tuple(
            fieldsArbitrary(payload.fields, domain),
            fc.constantFrom(...(names.length === 0 ? ['x'] : names)),
            fc.jsonValue({ maxDepth: 2 }),
          )
          .map(([value, key, junk]) => ({
            ...(JSON.parse(JSON.stringify(codec.encode(value))) as object),
            [key]: junk,
          }));
        fc.assert(
          fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), corrupted), (wire) => {
            try {
              codec.decode(wire, payload.version);
            } catch (error) {
              expect(error).toBeInstanceOf(DecodeError);
              expect((error as DecodeError).topic).toMatch(/\./);
            }
          }),
          { numRuns: 60 },
        );
      });
    }
  });
}
