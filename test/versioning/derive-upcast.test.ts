import { describe, expect, it } from 'vitest';
import { deriveUpcastStep, type UpcastDeclaration } from '../../generator/ir/derive-upcast.js';
import type { EnumDef, FieldDef, SourceSpan, TypeRef } from '../../generator/ir/model.js';

const file = 'schemas/test.domain.yaml';
let line = 0;
const at = (l: number, column = 7): SourceSpan => ({ file, line: l, column, offset: l * 100 + column });
const scalar = (s: 'string' | 'int' | 'float' | 'decimal' | 'uuid' | 'date' | 'boolean'): TypeRef => ({
  kind: 'scalar',
  scalar: s,
});
function field(name: string, type: TypeRef, extra: Partial<FieldDef> = {}): FieldDef {
  line += 1;
  return { kind: 'field', name, type, optional: false, constraints: {}, pii: false, span: at(line), ...extra };
}
const enums = new Map<string, EnumDef>([
  ['Small', { kind: 'enum', name: 'Small', values: ['a', 'b'], span: at(1) }],
  ['Big', { kind: 'enum', name: 'Big', values: ['a', 'b', 'c'], span: at(2) }],
]);
function derive(from: FieldDef[], to: FieldDef[], declarations: UpcastDeclaration[] = []) {
  return deriveUpcastStep({
    file,
    payload: 'event Dog.TrickAdded',
    from: { version: 1, fields: from, span: at(1) },
    to: { version: 2, fields: to, span: at(1) },
    declarations,
    enums,
  });
}
const where = (r: ReturnType<typeof derive>) =>
  r.diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`);

describe('deriveUpcastStep: automatic steps', () => {
  it('keeps unchanged fields, adds optional/defaulted/list/map fields, drops removed ones; ops sorted, drops last', () => {
    const r = derive(
      [field('name', scalar('string')), field('gone', scalar('int')), field('age', scalar('int'))],
      [
        field('name', scalar('string')),
        field('age', scalar('int')),
        field('nick', scalar('string'), { optional: true }),
        field('level', scalar('int'), { default: 1 }),
        field('tags', { kind: 'list', element: scalar('string') }),
        field('limits', { kind: 'map', value: scalar('decimal') }),
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.step).toEqual({
      kind: 'upcastStep',
      from: 1,
      to: 2,
      ops: [
        { kind: 'keep', field: 'age' },
        { kind: 'add', field: 'level', default: 1 },
        { kind: 'add', field: 'limits', default: {} },
        { kind: 'keep', field: 'name' },
        { kind: 'add', field: 'nick' },
        { kind: 'add', field: 'tags', default: [] },
        { kind: 'drop', field: 'gone' },
      ],
    });
  });

  it('accepts known-safe widenings as keep', () => {
    const r = derive(
      [
        field('a', scalar('int')),
        field('b', scalar('uuid')),
        field('c', { kind: 'enum', name: 'Small' }),
        field('d', { kind: 'enum', name: 'Small' }),
        field('e', scalar('string')),
        field('f', { kind: 'list', element: scalar('int') }),
        field('g', scalar('date')),
      ],
      [
        field('a', scalar('float')),
        field('b', scalar('string')),
        field('c', scalar('string')),
        field('d', { kind: 'enum', name: 'Big' }),
        field('e', scalar('string'), { optional: true }),
        field('f', { kind: 'list', element: scalar('float') }),
        field('g', scalar('string')),
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.step.ops.map((o) => o.kind)).toEqual(['keep', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep']);
  });

  it('turns rename and using declarations into ops and does not drop a renamed field', () => {
    const r = derive(
      [field('holder', scalar('string')), field('closed', scalar('boolean'))],
      [field('owner', scalar('string')), field('status', { kind: 'enum', name: 'Small' })],
      [
        { field: 'owner', rename: 'holder', span: at(40) },
        { field: 'status', using: 'statusFromClosed', span: at(41) },
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.step.ops).toEqual([
      { kind: 'rename', field: 'owner', from: 'holder' },
      { kind: 'custom', field: 'status', functionName: 'statusFromClosed' },
      { kind: 'drop', field: 'closed' },
    ]);
  });

  it('lets a using declaration override a field that would be automatic', () => {
    const r = derive(
      [field('n', scalar('int'))],
      [field('n', scalar('int'))],
      [{ field: 'n', using: 'recount', span: at(50) }],
    );
    expect(r.step.ops).toEqual([{ kind: 'custom', field: 'n', functionName: 'recount' }]);
  });
});

describe('deriveUpcastStep: refused steps, reported at the field with a hint', () => {
  it('EF320: a type change without an upcaster, at the field of the newer version', () => {
    const to = field('trick', { kind: 'valueObject', name: 'Trick' });
    const r = derive([field('trick', scalar('string'))], [to]);
    expect(where(r)).toEqual([`EF320@${to.span.line}:7`]);
    expect(r.diagnostics[0]?.message).toContain('changes from string to Trick');
    expect(r.diagnostics[0]?.hint).toBe('add under history 1: upcast: { trick: { using: <function> } }');
    expect(r.step.ops).toEqual([]);
  });

  it('EF320: optional → required, narrowing enums, float → int', () => {
    const r = derive(
      [
        field('a', scalar('string'), { optional: true }),
        field('b', { kind: 'enum', name: 'Big' }),
        field('c', scalar('float')),
      ],
      [field('a', scalar('string')), field('b', { kind: 'enum', name: 'Small' }), field('c', scalar('int'))],
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['EF320', 'EF320', 'EF320']);
    expect(r.diagnostics[0]?.message).toContain('becomes required');
    expect(r.diagnostics[1]?.message).toContain('Small lacks "c"');
  });

  it('EF321: a new required field without default', () => {
    const to = field('transactionId', scalar('uuid'));
    const r = derive([], [to]);
    expect(where(r)).toEqual([`EF321@${to.span.line}:7`]);
    expect(r.diagnostics[0]?.hint).toContain('add under history 1: upcast: { transactionId: { using: <function> } }');
  });

  it('EF322: a declaration naming a field the newer version lacks (and spots a rename written backwards)', () => {
    const r = derive(
      [field('holder', scalar('string'))],
      [field('owner', scalar('string'))],
      [{ field: 'holder', rename: 'owner', span: at(60, 11) }],
    );
    // owner is then a required new field without a value as well.
    expect(where(r)).toEqual(['EF322@60:11', expect.stringMatching(/^EF321@/)]);
    expect(r.diagnostics[0]?.hint).toBe("the key is the field's name in version 2: write `owner: { rename: holder }`");
  });

  it('EF323: both rename and using', () => {
    const r = derive(
      [field('a', scalar('string'))],
      [field('b', scalar('string'))],
      [{ field: 'b', rename: 'a', using: 'f', span: at(70, 9) }],
    );
    expect(where(r)).toEqual(['EF323@70:9']);
  });

  it('EF324: neither rename nor using', () => {
    const r = derive([], [field('b', scalar('string'), { optional: true })], [{ field: 'b', span: at(71, 9) }]);
    expect(where(r)).toEqual(['EF324@71:9']);
  });

  it('EF325: rename from a field the older version lacks', () => {
    const r = derive(
      [field('sum', scalar('decimal'))],
      [field('amount', scalar('decimal'))],
      [{ field: 'amount', rename: 'summ', span: at(72, 13) }],
    );
    expect(where(r)).toEqual(['EF325@72:13']);
    expect(r.diagnostics[0]?.hint).toContain('"sum"');
  });

  it('EF326: rename that changes the type', () => {
    const r = derive(
      [field('sum', scalar('string'))],
      [field('amount', scalar('decimal'))],
      [{ field: 'amount', rename: 'sum', span: at(73, 13) }],
    );
    expect(where(r)).toEqual(['EF326@73:13']);
    expect(r.diagnostics[0]?.hint).toContain('amount: { using: <function> }');
  });

  it('EF327: using that is not a function name', () => {
    const r = derive([], [field('b', scalar('string'))], [{ field: 'b', using: 'not a name', span: at(74, 5) }]);
    expect(where(r)).toEqual(['EF327@74:5']);
  });

  it('EF328: rename to itself', () => {
    const r = derive(
      [field('b', scalar('string'))],
      [field('b', scalar('string'))],
      [{ field: 'b', rename: 'b', span: at(75, 5) }],
    );
    expect(where(r)).toEqual(['EF328@75:5']);
  });

  it('EF329: the same field declared twice', () => {
    const r = derive(
      [field('a', scalar('string'))],
      [field('b', scalar('string'))],
      [
        { field: 'b', rename: 'a', span: at(76, 5) },
        { field: 'b', using: 'f', span: at(77, 5) },
      ],
    );
    expect(where(r)).toEqual(['EF329@77:5']);
    expect(r.step.ops).toEqual([{ kind: 'rename', field: 'b', from: 'a' }]);
  });
});

describe('deriveUpcastStep: hints', () => {
  it('EF321 suggests the rename when a gone field of a fitting type is there', () => {
    const r = derive(
      [field('holder', scalar('string')), field('closed', scalar('boolean'))],
      [field('owner', scalar('string'))],
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['EF321']);
    expect(r.diagnostics[0]?.hint).toBe(
      'if it is "holder" renamed: add under history 1: upcast: { owner: { rename: holder } }; otherwise add under history 1: upcast: { owner: { using: <function> } }; or make it optional (string?) or give it a default',
    );
  });

  it('EF321 does not suggest a rename from a field of another type', () => {
    const r = derive([field('closed', scalar('boolean'))], [field('owner', scalar('string'))]);
    expect(r.diagnostics[0]?.hint).toBe(
      'add under history 1: upcast: { owner: { using: <function> } }; or make it optional (string?) or give it a default',
    );
  });
});
