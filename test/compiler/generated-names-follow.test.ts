/**
 * The name-clash rule and the emitters take generated names from one module (ir/naming.ts):
 * renaming one there, in a copy of the compiler, changes both what the emitters write and what
 * the rule refuses. A rule that spelled the name itself would keep refusing the old name.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { compile as compileFn } from '../../generator/index.js';

const repo = join(import.meta.dirname, '..', '..');
const copies: string[] = [];

/** A copy of generator/ (inside the repo, so its packages resolve) with naming.ts edited. */
function compilerCopy(edit: (naming: string) => string): string {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  const root = mkdtempSync(join(repo, '.tmp', 'naming-'));
  copies.push(root);
  cpSync(join(repo, 'generator'), join(root, 'generator'), { recursive: true });
  const naming = join(root, 'generator', 'ir', 'naming.ts');
  const before = readFileSync(naming, 'utf8');
  const after = edit(before);
  expect(after, 'the edit changed naming.ts').not.toBe(before);
  writeFileSync(naming, after);
  return root;
}

function schema(valueObject: string): string {
  return [
    'domain: Shop',
    'types:',
    `  ${valueObject}:`,
    '    fields:',
    '      note: string',
    'aggregates:',
    '  Cart:',
    '    state:',
    '      fields:',
    '        total: int',
    '    events:',
    '      Opened:',
    '        creates: true',
    '        fields:',
    '          total: { type: int, default: 0 }',
    '        apply: { set: { total: total } }',
    '',
  ].join('\n');
}

let compile: typeof compileFn;

beforeAll(async () => {
  const root = compilerCopy((text) => text.replace('return `${event}Input`;', 'return `${event}Args`;'));
  ({ compile } = (await import(join(root, 'generator', 'index.ts'))) as { compile: typeof compileFn });
});

afterAll(() => {
  for (const root of copies) rmSync(root, { recursive: true, force: true });
});

function clashes(text: string): string[] {
  const result = compile({ sources: [{ path: 'shop.domain.yaml', text }] });
  return result.diagnostics.filter((d) => d.code === 'EF206').map((d) => d.message);
}

describe('a generated name renamed in ir/naming.ts', () => {
  it('is what the emitters write', () => {
    const result = compile({ sources: [{ path: 'shop.domain.yaml', text: schema('Note') }] });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const types = result.files.find((f) => f.path === 'shop/types.ts')?.contents ?? '';
    expect(types).toMatch(/^export interface OpenedArgs \{/m);
    expect(types).not.toMatch(/OpenedInput/);
  });

  it('is what the clash rule refuses, and the old name is free', () => {
    expect(clashes(schema('OpenedArgs'))).toEqual([
      'value object OpenedArgs has the same name as the input type of event Cart.Opened, which eventforge generates',
    ]);
    expect(clashes(schema('OpenedInput'))).toEqual([]);
  });
});
