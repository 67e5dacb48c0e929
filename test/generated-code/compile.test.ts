/**
 * tsc on fixture folders: a subclass that forgets an abstract handler must not compile (the
 * generation gap's guarantee), a complete one must. Fixtures are kept as `.ts.fixture` so the
 * repository's own tsc never sees the failing one; each run copies one into a temporary folder
 * at the repository root (so `eventforge/runtime` and node_modules resolve) and runs tsc there.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { syntheticSchema } from '../../bench/synthetic-schema.js';
import { emitters } from '../../generator/emit/index.js';
import type { GeneratedFile } from '../../generator/emit/types.js';
import { ROOT } from '../emit/golden-cases.js';
import {
  aggregate,
  domain,
  enumDef,
  enumRef,
  event,
  field,
  list,
  scalar,
  valueObject,
  vo,
} from '../emit/ir-builders.js';

const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

function tscOnFixture(name: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(ROOT, '.tsc-fixture-'));
  try {
    copyFileSync(join(ROOT, 'test', 'fixtures', 'tsc', name, 'main.ts.fixture'), join(dir, 'main.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['main.ts'] }));
    try {
      const output = execFileSync(TSC, ['--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
      return { ok: true, output };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tsc on generated code', () => {
  it('refuses a subclass that forgets an abstract handler, naming the handler', () => {
    const { ok, output } = tscOnFixture('missing-handler');
    expect(ok).toBe(false);
    expect(output).toMatch(
      /main\.ts\(4,14\): error TS2515: Non-abstract class 'Sink' does not implement inherited abstract member '?applyPriced'? from class 'SinkBase'/,
    );
    expect(output.trim().split('\n')).toHaveLength(1);
  });

  it('accepts the subclass with its handler, and a ready class with none', () => {
    const { ok, output } = tscOnFixture('complete-subclass');
    expect(output).toBe('');
    expect(ok).toBe(true);
  });

  it('refuses a view projection that forgets the method of a custom event, naming it', () => {
    const { ok, output } = tscOnFixture('view-missing-handler');
    expect(ok).toBe(false);
    expect(output).toMatch(
      /main\.ts\(5,14\): error TS2515: Non-abstract class 'Balances' does not implement inherited abstract member '?onWithdrawn'? from class 'CustomerBalancesProjectionBase'/,
    );
    expect(output.trim().split('\n')).toHaveLength(1);
  });

  it('accepts a view projection with every method, and the ready projection of a declarative view', () => {
    const { ok, output } = tscOnFixture('view-complete-handlers');
    expect(output).toBe('');
    expect(ok).toBe(true);
  });

  it('refuses the creation factory on the abstract base class', () => {
    const { ok, output } = tscOnFixture('abstract-factory');
    expect(ok).toBe(false);
    expect(output).toMatch(/main\.ts\(4,\d+\): error TS2684/);
  });
});

/** Writes generated files to a temporary folder at the repository root and runs tsc on them. */
function tscOnFiles(files: readonly GeneratedFile[]): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(ROOT, '.tsc-fixture-'));
  try {
    for (const file of files.filter((f) => /\.(ts|js)$/.test(f.path))) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.contents);
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['**/*.ts'] }));
    try {
      return {
        ok: true,
        output: execFileSync(TSC, ['--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' }),
      };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tsc on generated code of other schemas', () => {
  it('the synthetic benchmark schema: renames, added, dropped fields and three versions of every event', () => {
    const text = syntheticSchema({ aggregates: 4, events: 5, versions: 3 });
    const result = compile({ sources: [{ path: 'schemas/synthetic.domain.yaml', text }], outToCwd: '..' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(tscOnFiles(result.files)).toEqual({ ok: true, output: '' });
  });

  it('names that look like runtime helpers (enum Payload, value objects Bytes and List) do not clash', () => {
    const D = 'Clash';
    const clash = domain(D, {
      enums: [enumDef('Payload', ['a', 'b'])],
      valueObjects: [
        valueObject('Bytes', [field('data', scalar('bytes'))]),
        valueObject('List', [field('items', list(vo('Bytes')))]),
      ],
      aggregates: [
        aggregate(
          D,
          'Thing',
          [[field('kind', enumRef('Payload')), field('list', vo('List'), { optional: true })]],
          [
            event(D, 'Thing', 'Made', [[field('kind', enumRef('Payload')), field('list', vo('List'))]], {
              creates: true,
              apply: {
                kind: 'declarative',
                ops: [
                  { kind: 'assign', stateField: 'kind', source: { kind: 'eventField', field: 'kind' } },
                  { kind: 'assign', stateField: 'list', source: { kind: 'eventField', field: 'list' } },
                ],
              },
            }),
          ],
        ),
      ],
    });
    const files = emitters.flatMap((e) =>
      e.emit({ kind: 'project', domains: [clash] }, { runtimeImport: 'eventforge/runtime', outToCwd: '..' }),
    );
    const transcoders = files.find((f) => f.path.endsWith('/transcoders.ts'))?.contents ?? '';
    // Helpers are imported by name; the ones a domain name takes come in under an alias.
    expect(transcoders).toContain('readPayload as runtimeReadPayload');
    expect(transcoders).toContain('encodeBytes as runtimeEncodeBytes');
    expect(transcoders).not.toContain('import * as');
    expect(tscOnFiles(files)).toEqual({ ok: true, output: '' });
  });
});
