/**
 * The front half never throws on a broken schema: random edits of the example schemas (lines
 * deleted, duplicated, re-indented, words swapped for other words of the language) always give
 * diagnostics that point inside the file, sorted, and an IR exactly when there is no error,
 * an IR that keeps its contract (test/compiler/ir-invariants.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { irViolations } from './ir-invariants.js';
import { applyEdit, edit } from './schema-edits.js';

const repo = join(import.meta.dirname, '..', '..');
const examples = readdirSync(join(repo, 'schemas'))
  .filter((f) => f.endsWith('.domain.yaml'))
  .sort()
  .map((f) => readFileSync(join(repo, 'schemas', f), 'utf8'));

describe('robustness of the front half', () => {
  it('never throws, and its diagnostics are well-formed, on randomly edited example schemas', () => {
    fc.assert(
      fc.property(fc.nat(examples.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (which, edits) => {
        const text = edits.reduce(applyEdit, examples[which] ?? '');
        const result = compile({ sources: [{ path: 'fuzz.domain.yaml', text }], skipEmit: true });
        const lineCount = text.split('\n').length;
        for (const d of result.diagnostics) {
          expect(d.file).toBe('fuzz.domain.yaml');
          expect(d.span.start.line).toBeGreaterThanOrEqual(1);
          expect(d.span.start.line).toBeLessThanOrEqual(lineCount);
          expect(d.span.start.column).toBeGreaterThanOrEqual(1);
          expect(d.span.start.offset).toBeLessThanOrEqual(text.length);
          expect(d.code).toMatch(/^EF[1-6]\d\d$/);
          expect(d.message.length).toBeGreaterThan(0);
        }
        const offsets = result.diagnostics.map((d) => d.span.start.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        const hasError = result.diagnostics.some((d) => d.severity === 'error');
        expect(result.project === undefined).toBe(hasError);
        if (result.project !== undefined) expect(irViolations(result.project)).toEqual([]);
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });
});
