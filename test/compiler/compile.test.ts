/** compile(): the pure pipeline, through the public API only. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEmitters } from '../../generator/compile.js';
import { InternalError } from '../../generator/diagnostics.js';
import type { Emitter } from '../../generator/emit/types.js';
import { compile, formatDiagnostic, type SchemaSource } from '../../generator/index.js';

const repo = join(import.meta.dirname, '..', '..');
const examples: SchemaSource[] = readdirSync(join(repo, 'schemas'))
  .filter((f) => f.endsWith('.domain.yaml'))
  .map((f) => ({ path: `schemas/${f}`, text: readFileSync(join(repo, 'schemas', f), 'utf8') }));

const schema = (text: string, path = 'shop.domain.yaml'): SchemaSource => ({ path, text });
const rendered = (sources: SchemaSource[]): string[] =>
  compile({ sources, skipEmit: true }).diagnostics.map(formatDiagnostic);

const shop = `domain: Shop
types:
  Status: { enum: [open, closed] }
aggregates:
  Cart:
    state:
      fields:
        owner: string
        status: { type: Status, default: open }
        total: { type: decimal, min: "0.00", max: "100000000000000000000.01", default: "0" }
        items: string[]
    events:
      Opened:
        creates: true
        fields: { owner: string }
      ItemAdded:
        fields: { item: string }
        apply: { push: { items: item } }
      OwnerChanged:
        fields: { newOwner: string }
      Closed:
        discards: true
        apply: { set: { status: closed } }
`;

describe('compile', () => {
  it('compiles every example schema without a diagnostic, domains sorted by name', () => {
    const result = compile({ sources: examples, skipEmit: true });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const names = result.project?.domains.map((d) => d.name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(examples.length);
  });

  it('compiles the whole example of docs/language.md', () => {
    const doc = readFileSync(join(repo, 'docs', 'language.md'), 'utf8');
    const yaml = /## A whole example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const result = compile({ sources: [schema(yaml ?? '', 'dog-school.domain.yaml')], skipEmit: true });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const trick = result.project?.domains[0]?.aggregates[0]?.events.find((e) => e.name === 'TrickAdded');
    expect(trick?.versions[0]?.upcast?.ops).toEqual([
      { kind: 'custom', field: 'trick', functionName: 'trickFromName' },
    ]);
  });

  it('reads YAML aliases as the node they name (the shape check sees them expanded too)', () => {
    const text =
      'domain: Shop\naggregates:\n  Cart:\n    state:\n      fields: &cart\n        owner: string\n        note: &note string?\n    events:\n      Opened:\n        creates: true\n        fields: *cart\n      Noted:\n        fields: { note: *note }\n';
    const result = compile({ sources: [schema(text)], skipEmit: true });
    expect(result.diagnostics).toEqual([]);
    const events = result.project?.domains[0]?.aggregates[0]?.events ?? [];
    expect(events.map((e) => [e.name, e.fields.map((f) => `${f.name}${f.optional ? '?' : ''}`)])).toEqual([
      ['Noted', ['note?']],
      ['Opened', ['owner', 'note?']],
    ]);
  });

  it('is deterministic: the same sources in any order give the same project and bytes', () => {
    const a = compile({ sources: examples });
    const b = compile({ sources: [...examples].reverse() });
    expect(JSON.stringify(b.project)).toBe(JSON.stringify(a.project));
    expect(b.files).toEqual(a.files);
    const paths = a.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('normalizes the IR: defaults, exact bounds, derived apply, topics, members sorted, fields in declaration order', () => {
    const result = compile({ sources: [schema(shop)], skipEmit: true });
    expect(result.diagnostics).toEqual([]);
    const cart = result.project?.domains[0]?.aggregates[0];
    expect(cart?.topic).toBe('Shop.Cart');
    expect(cart?.events.map((e) => e.name)).toEqual(['Closed', 'ItemAdded', 'Opened', 'OwnerChanged']);
    expect(cart?.state.fields.map((f) => f.name)).toEqual(['owner', 'status', 'total', 'items']);
    const total = cart?.state.fields.find((f) => f.name === 'total');
    expect(total?.constraints).toEqual({
      min: 0,
      max: 100000000000000000000.01,
      minText: '0.00',
      maxText: '100000000000000000000.01',
    });
    expect(total?.default).toBe('0');
    const events = new Map(cart?.events.map((e) => [e.name, e]));
    // Omitted apply, fields that fit same-named state fields: assigned.
    expect(events.get('Opened')?.apply).toEqual({
      kind: 'declarative',
      ops: [{ kind: 'assign', stateField: 'owner', source: { kind: 'eventField', field: 'owner' } }],
    });
    // Omitted apply, but a field has no same-named state field: an abstract handler.
    expect(events.get('OwnerChanged')?.apply).toEqual({ kind: 'custom' });
    expect(events.get('Closed')?.apply).toEqual({
      kind: 'declarative',
      ops: [{ kind: 'assign', stateField: 'status', source: { kind: 'constant', value: 'closed' } }],
    });
    expect(events.get('Closed')?.discards).toBe(true);
    expect(events.get('ItemAdded')?.topic).toBe('Shop.Cart.ItemAdded');
    expect(events.get('ItemAdded')?.versions).toEqual([
      {
        kind: 'payloadVersion',
        version: 1,
        fields: events.get('ItemAdded')?.fields,
        span: events.get('ItemAdded')?.span,
      },
    ]);
    // A state without `version` is at version 1 with one version entry.
    expect(cart?.state.version).toBe(1);
    expect(cart?.state.versions).toHaveLength(1);
  });

  it('reports every problem of every file at once, sorted by file and position', () => {
    const lines = rendered([
      schema(
        'domain: Zoo\naggregates:\n  Cage:\n    state:\n      fields: { size: Sise }\n    events:\n      Built: { fields: { size: int } }\n',
        'b.domain.yaml',
      ),
      schema(
        'domain: Farm\naggregates:\n  Barn:\n    events:\n      Built: { creates: true, fields: { colour: Color } }\n',
        'a.domain.yaml',
      ),
    ]);
    expect(lines.map((l) => l.split('\n')[0])).toEqual([
      'a.domain.yaml:5:49: error EF200: unknown type "Color" in field "colour" of event Barn.Built',
      'b.domain.yaml:3:3: error EF500: aggregate Cage has no creation event',
      'b.domain.yaml:5:23: error EF200: unknown type "Sise" in field "size" of the state of Cage',
    ]);
  });

  it('still checks the other files when one has a YAML or shape error', () => {
    const lines = rendered([
      schema('domain: Zoo\naggregates: [\n', 'a.domain.yaml'),
      schema('domain: Farm\naggregats: {}\n', 'b.domain.yaml'),
      schema(
        'domain: Park\naggregates:\n  Gate:\n    events:\n      Opened: { creates: true, fields: { at: datetim } }\n',
        'c.domain.yaml',
      ),
    ]);
    expect(lines.map((l) => l.slice(0, l.indexOf(':', l.indexOf(':') + 1)))).toEqual([
      'a.domain.yaml:2',
      'b.domain.yaml:2',
      'c.domain.yaml:5',
    ]);
    expect(lines[1]).toContain('EF111');
    expect(lines[1]).toContain('did you mean "aggregates"?');
    expect(lines[2]).toContain('did you mean "datetime"?');
  });

  it('refuses two files declaring the same domain (EF207)', () => {
    const lines = rendered([schema(shop, 'one.domain.yaml'), schema(shop, 'two.domain.yaml')]);
    expect(lines).toEqual([
      'two.domain.yaml:1:9: error EF207: domain Shop is also declared in one.domain.yaml\n  hint: each domain is declared by one schema file; rename one of them or merge the files',
    ]);
  });

  it('refuses two domains that would generate into the same folder (EF207)', () => {
    const lines = rendered([
      schema(shop.replace('domain: Shop', 'domain: Abc'), 'one.domain.yaml'),
      schema(shop.replace('domain: Shop', 'domain: ABC'), 'two.domain.yaml'),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'two.domain.yaml:1:9: error EF207: domain ABC would generate into the same folder "abc/" as domain Abc of one.domain.yaml',
    );
  });

  it('builds the IR despite warnings, and returns no IR or files on any error', () => {
    const warned = compile({ sources: [schema(`upcasters: ./shop.upcasters.ts\n${shop}`)] });
    expect(warned.diagnostics.map((d) => d.code)).toEqual(['EF311']);
    expect(warned.project).toBeDefined();
    const failed = compile({
      sources: [schema(shop.replace('owner: string\n        status', 'owner: strin\n        status'))],
    });
    expect(failed.diagnostics.map((d) => d.code)).toEqual(['EF200']);
    expect(failed.project).toBeUndefined();
    expect(failed.files).toEqual([]);
  });

  it('keeps upcastersModule only when some upcast is custom', () => {
    const result = compile({ sources: examples, skipEmit: true });
    const bank = result.project?.domains.find((d) => d.name === 'Bank');
    expect(bank?.upcastersModule).toBe('./bank.upcasters.ts');
    expect(result.project?.domains.filter((d) => d.upcastersModule !== undefined).map((d) => d.name)).toEqual(['Bank']);
  });

  it('joins the diagnostics of the upcast derivation (before emitting)', () => {
    const text = shop.replace(
      '      ItemAdded:\n        fields: { item: string }',
      '      ItemAdded:\n        version: 2\n        fields: { item: string }\n        history:\n          1:\n            fields: { item: int }',
    );
    const result = compile({ sources: [schema(text)] });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'shop.domain.yaml:18:19: error EF320: event Cart.ItemAdded v1→v2: field "item" changes from int to string, and no upcaster says how to convert it\n  hint: add under history 1: upcast: { item: { using: <function> } }',
    ]);
    expect(result.files).toEqual([]);
  });

  it('points a duplicate key at the second occurrence and an unknown key at the key itself', () => {
    expect(rendered([schema('domain: Shop\ndomain: Other\n')])[0]).toMatch(
      /^shop\.domain\.yaml:2:1: error EF101: duplicate key "domain"/,
    );
    // The whole key is the span (editors and the code frame underline it), not its first character.
    const [duplicate] = compile({ sources: [schema('domain: Shop\ndomain: Other\n')], skipEmit: true }).diagnostics;
    expect(duplicate?.span.end.column! - duplicate?.span.start.column!).toBe('domain'.length);
    expect(
      rendered([
        schema(
          'domain: Shop\naggregates:\n  Cart:\n    snapshot: { evry: 5 }\n    events: { Opened: { creates: true } }\n',
        ),
      ])[1],
    ).toMatch(
      /^shop\.domain\.yaml:4:17: error EF111: unknown key `evry` in the snapshot policy of aggregate Cart\n {2}hint: did you mean "every"\?$/,
    );
  });
});

describe('runEmitters', () => {
  const project = compile({ sources: [schema(shop)], skipEmit: true }).project;
  const ctx = { runtimeImport: 'eventforge/runtime', outToCwd: '..' };
  const emitter = (name: string, paths: string[]): Emitter => ({
    name,
    emit: () => paths.map((path) => ({ path, contents: `${name}\n` })),
  });

  it('returns the files of every emitter sorted by path', () => {
    if (project === undefined) throw new Error('the shop schema must compile');
    const files = runEmitters(project, ctx, [
      emitter('b', ['shop/z.ts', 'shop/a.ts']),
      emitter('a', ['prisma/schema.prisma']),
    ]);
    expect(files.map((f) => f.path)).toEqual(['prisma/schema.prisma', 'shop/a.ts', 'shop/z.ts']);
  });

  it('refuses two emitters generating the same path as an internal error', () => {
    if (project === undefined) throw new Error('the shop schema must compile');
    expect(() =>
      runEmitters(project, ctx, [emitter('types', ['shop/types.ts']), emitter('docs', ['shop/types.ts'])]),
    ).toThrow(new InternalError('emitters "types" and "docs" both generate shop/types.ts'));
  });
});
