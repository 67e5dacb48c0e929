/**
 * The corpus of invalid schemas: test/fixtures/invalid/<case>/input.domain.yaml, each with
 * expected.txt holding the exact rendered diagnostics (code, line:col, message, hint). A case
 * with a released.domain.yaml is a `check --against` case: input compiles, and the comparison
 * with the released revision refuses it. The other .ts/.js files of a case are its upcasters
 * modules, given to the compiler as the CLI reads them.
 * `UPDATE_GOLDEN=1 npx vitest run test/compiler` rewrites expected.txt files (review the diff).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRevisions } from '../../generator/against/index.js';
import { compile, formatDiagnostic, type CompileResult } from '../../generator/index.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'invalid');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const update = process.env['UPDATE_GOLDEN'] === '1';

describe('invalid schema corpus', () => {
  it('holds at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', (name) => {
    const path = `${name}.domain.yaml`;
    const text = readFileSync(join(root, name, 'input.domain.yaml'), 'utf8');
    const modules = readdirSync(join(root, name))
      .filter((file) => /\.(ts|js)$/.test(file))
      .map((file) => ({ path: file, text: readFileSync(join(root, name, file), 'utf8') }));
    const result = compile({ sources: [{ path, text }], modules, skipEmit: true });
    const releasedFile = join(root, name, 'released.domain.yaml');
    if (existsSync(releasedFile)) {
      expectAgainstCase(
        name,
        result,
        compile({
          sources: [{ path: 'released.domain.yaml', text: readFileSync(releasedFile, 'utf8') }],
          skipEmit: true,
        }),
      );
      return;
    }
    const rendered = result.diagnostics.map(formatDiagnostic).join('\n') + '\n';
    const expectedFile = join(root, name, 'expected.txt');
    if (update) writeFileSync(expectedFile, rendered);
    expect(existsSync(expectedFile), `${expectedFile} is missing; create it with UPDATE_GOLDEN=1 and review it`).toBe(
      true,
    );
    expect(rendered).toBe(readFileSync(expectedFile, 'utf8'));
    // Every case fails (exit code 1, nothing written), except the cases named warn-*, which only warn.
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (name.startsWith('warn-')) {
      expect(errors).toEqual([]);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expect(result.project).toBeDefined();
    } else {
      expect(errors.length).toBeGreaterThan(0);
      expect(result.project).toBeUndefined();
      expect(result.files).toEqual([]);
    }
    // The code the case is about (its name starts with it, e.g. ef200-unknown-type) is among them.
    const code = /^(?:warn-)?(ef\d{3})/.exec(name)?.[1]?.toUpperCase();
    expect(code, `case ${name} must start with its code, e.g. ef200-…`).toBeDefined();
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
  });
});

/** A `check --against` case: both revisions compile, and the comparison refuses the change with the case's code. */
function expectAgainstCase(name: string, current: CompileResult, released: CompileResult): void {
  expect(current.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(released.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (current.project === undefined || released.project === undefined)
    throw new Error(`${name}: a revision does not compile`);
  const diagnostics = compareRevisions(released.project, current.project, { revisionLabel: 'released.domain.yaml' });
  const rendered = diagnostics.map(formatDiagnostic).join('\n') + '\n';
  const expectedFile = join(root, name, 'expected.txt');
  if (update) writeFileSync(expectedFile, rendered);
  expect(rendered).toBe(readFileSync(expectedFile, 'utf8'));
  expect(diagnostics.map((d) => d.code)).toContain(/^(ef\d{3})/.exec(name)?.[1]?.toUpperCase());
}
