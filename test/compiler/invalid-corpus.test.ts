/**
 * The corpus of invalid schemas: test/fixtures/invalid/<case>/input.domain.yaml, each with
 * expected.txt holding the exact rendered diagnostics (code, line:col, message, hint). The other
 * .ts/.js files of a case are its upcasters modules, given to the compiler as the CLI reads them.
 * `UPDATE_GOLDEN=1 npx vitest run test/compiler` rewrites expected.txt files (review the diff).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, formatDiagnostic } from '../../generator/index.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'invalid');
const cases = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
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
    const rendered = result.diagnostics.map(formatDiagnostic).join('\n') + '\n';
    const expectedFile = join(root, name, 'expected.txt');
    if (update) writeFileSync(expectedFile, rendered);
    expect(existsSync(expectedFile), `${expectedFile} is missing; create it with UPDATE_GOLDEN=1 and review it`).toBe(true);
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
