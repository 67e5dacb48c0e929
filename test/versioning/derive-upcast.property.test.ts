/**
 * Properties of deriveUpcastStep over random pairs of versions and random declarations: a step
 * without errors accounts for every field exactly once, errors point at a field or a
 * declaration, and the result does not depend on the order fields and declarations are given in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveUpcastStep, type UpcastDeclaration } from '../../generator/ir/derive-upcast.js';
import type { EnumDef, FieldDef, JsonValue, SourceSpan, TypeRef } from '../../generator/ir/model.js';

const file = 'schemas/p.domain.yaml';
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];
const TYPES: TypeRef[] = [
  { kind: 'scalar', scalar: 'string' },
  { kind: 'scalar', scalar: 'int' },
  { kind: 'scalar', scalar: 'float' },
  { kind: 'scalar', scalar: 'uuid' },
  { kind: 'enum', name: 'Small' },
  { kind: 'enum', name: 'Big' },
  { kind: 'list', element: { kind: 'scalar', scalar: 'int' } },
  { kind: 'map', value: { kind: 'scalar', scalar: 'string' } },
];
const enums = new Map<string, EnumDef>([
  ['Small', { kind: 'enum', name: 'Small', values: ['x'], span: { file, line: 1, column: 1, offset: 0 } }],
  ['Big', { kind: 'enum', name: 'Big', values: ['x', 'y'], span: { file, line: 2, column: 1, offset: 10 } }],
]);

const span = (line: number): SourceSpan => ({ file, line, column: 3, offset: line * 40 + 2 });

function fields(line0: number): fc.Arbitrary<FieldDef[]> {
  return fc
    .uniqueArray(
      fc.record({
        name: fc.constantFrom(...NAMES),
        type: fc.constantFrom(...TYPES),
        optional: fc.boolean(),
        withDefault: fc.boolean(),
      }),
      { selector: (f) => f.name, maxLength: NAMES.length },
    )
    .map((list) =>
      list.map((f, i) => {
        const defaultValue: JsonValue | undefined =
          f.withDefault && f.type.kind === 'scalar' && f.type.scalar === 'string' ? 'z' : undefined;
        return {
          kind: 'field' as const,
          name: f.name,
          type: f.type,
          optional: f.optional,
          ...(defaultValue === undefined ? {} : { default: defaultValue }),
          constraints: {},
          pii: false,
          span: span(line0 + i),
        };
      }),
    );
}

const declarations: fc.Arbitrary<UpcastDeclaration[]> = fc
  .uniqueArray(
    fc.record({
      field: fc.constantFrom(...NAMES),
      how: fc.oneof(
        fc.record({ rename: fc.constantFrom(...NAMES) }),
        fc.record({ using: fc.constantFrom('f1', 'f2') }),
      ),
    }),
    { selector: (d) => d.field, maxLength: 3 },
  )
  .map((list) => list.map((d, i) => ({ field: d.field, ...d.how, span: span(100 + i) })));

const input = fc.record({ from: fields(10), to: fields(30), declarations });

function derive(from: FieldDef[], to: FieldDef[], decls: UpcastDeclaration[]) {
  return deriveUpcastStep({
    file,
    payload: 'event X.Y',
    from: { version: 1, fields: from, span: span(9) },
    to: { version: 2, fields: to, span: span(29) },
    declarations: decls,
    enums,
  });
}

describe('deriveUpcastStep properties', () => {
  it('a step without errors gives every field of the new version exactly one op, and drops exactly the fields nothing took', () => {
    fc.assert(
      fc.property(input, ({ from, to, declarations: decls }) => {
        const { step, diagnostics } = derive(from, to, decls);
        if (diagnostics.length > 0) return;
        const targets = step.ops.filter((o) => o.kind !== 'drop').map((o) => o.field);
        expect([...targets].sort()).toEqual(to.map((f) => f.name).sort());
        const renamedFrom = new Set(step.ops.flatMap((o) => (o.kind === 'rename' ? [o.from] : [])));
        const drops = step.ops.filter((o) => o.kind === 'drop').map((o) => o.field);
        expect(drops.sort()).toEqual(
          from
            .filter((f) => !to.some((t) => t.name === f.name) && !renamedFrom.has(f.name))
            .map((f) => f.name)
            .sort(),
        );
        for (const op of step.ops) {
          if (op.kind === 'keep') expect(from.some((f) => f.name === op.field)).toBe(true);
          if (op.kind === 'rename') expect(from.some((f) => f.name === op.from)).toBe(true);
          if (op.kind === 'add') expect(from.some((f) => f.name === op.field)).toBe(false);
        }
        // Sorted by field, drops last.
        const order = step.ops.map((o) => `${o.kind === 'drop' ? 1 : 0}${o.field}`);
        expect(order).toEqual([...order].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('every error is an EF32x at a field of the newer version or at a declaration', () => {
    fc.assert(
      fc.property(input, ({ from, to, declarations: decls }) => {
        const { diagnostics } = derive(from, to, decls);
        const places = new Set([...to.map((f) => f.span.offset), ...decls.map((d) => d.span.offset)]);
        for (const d of diagnostics) {
          expect(d.code).toMatch(/^EF32\d$/);
          expect(d.severity).toBe('error');
          expect(places.has(d.span.start.offset)).toBe(true);
          expect(d.hint).toBeTruthy();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('two identical versions derive to keeping every field, without a diagnostic', () => {
    fc.assert(
      fc.property(fields(10), (list) => {
        expect(derive(list, list, []).diagnostics).toEqual([]);
        expect(derive(list, list, []).step.ops.every((o) => o.kind === 'keep')).toBe(true);
      }),
    );
  });

  it('does not depend on the order of fields and declarations', () => {
    fc.assert(
      fc.property(input, fc.integer(), ({ from, to, declarations: decls }, seed) => {
        const shuffle = <T>(xs: T[]): T[] =>
          [...xs].sort(
            (a, b) => ((JSON.stringify(a).length * 31 + seed) % 7) - ((JSON.stringify(b).length * 31 + seed) % 7),
          );
        const a = derive(from, to, decls);
        const b = derive(shuffle(from), shuffle(to), shuffle(decls));
        expect(b.step).toEqual(a.step);
        const key = (ds: typeof a.diagnostics) => ds.map((d) => `${d.code}@${d.span.start.offset}`).sort();
        expect(key(b.diagnostics)).toEqual(key(a.diagnostics));
      }),
      { numRuns: 300 },
    );
  });
});
