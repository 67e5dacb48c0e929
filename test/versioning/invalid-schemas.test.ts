/**
 * Item 2: every evolution rule has a failing schema, compiled by the real compiler, with the
 * exact code and line:col of each diagnostic written in the fixture's `# expect:` line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/compile.js';

const dir = 'test/fixtures/versioning/invalid';
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.domain.yaml'))
  .sort()
  .map((file) => {
    const path = `${dir}/${file}`;
    const text = readFileSync(path, 'utf8');
    const line = /^# expect: (.*)$/m.exec(text)?.[1];
    if (line === undefined) throw new Error(`${path} has no "# expect:" line`);
    const expected =
      line === 'nothing' ? [] : line.split(', ').map((e) => `${path}:${e.split(' ')[1]} ${e.split(' ')[0]}`);
    return { file, path, text, expected };
  });

describe('evolution rules: failing schemas', () => {
  it('covers every code derive-upcast can raise from YAML', () => {
    const codes = new Set(cases.flatMap((c) => c.expected.map((e) => e.split(' ')[1])));
    // EF329 (a field declared twice) is refused by the YAML parser first: derive-upcast.test.ts covers it.
    expect([...codes].sort()).toEqual([
      'EF320',
      'EF321',
      'EF322',
      'EF323',
      'EF324',
      'EF325',
      'EF326',
      'EF327',
      'EF328',
    ]);
  });

  it.each(cases)('$file', ({ path, text, expected }) => {
    const result = compile({ sources: [{ path, text }], skipEmit: true });
    const actual = result.diagnostics.map((d) => `${d.file}:${d.span.start.line}:${d.span.start.column} ${d.code}`);
    expect(actual).toEqual(expected);
    for (const d of result.diagnostics) {
      expect(d.hint, `${d.code} has a hint`).toBeTruthy();
    }
  });

  it('the hint of a missing upcaster shows the exact line to add', () => {
    const c = cases.find((x) => x.file === 'type-changed.domain.yaml')!;
    const [d] = compile({ sources: [{ path: c.path, text: c.text }], skipEmit: true }).diagnostics;
    expect(d?.message).toBe(
      'event Dog.TrickAdded v1→v2: field "trick" changes from string to Trick, and no upcaster says how to convert it',
    );
    expect(d?.hint).toBe('add under history 1: upcast: { trick: { using: <function> } }');
  });
});
