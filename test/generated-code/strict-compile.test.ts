/**
 * Generated code (the checked-in generated/ and every golden, the kitchen-sink schema included)
 * compiles under the strict options users commonly enable on top of `strict`
 * (test/fixtures/tsc-strict/tsconfig.json): exactOptionalPropertyTypes,
 * noPropertyAccessFromIndexSignature, noUnusedLocals/Parameters, noUncheckedIndexedAccess,
 * noImplicitOverride, noImplicitReturns.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../emit/golden-cases.js';

const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

describe('generated code under strict compiler options', () => {
  it('compiles with no error', () => {
    let output: string;
    try {
      output = execFileSync(TSC, ['--noEmit', '-p', join(ROOT, 'test', 'fixtures', 'tsc-strict', 'tsconfig.json')], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    expect(output).toBe('');
  });
});
