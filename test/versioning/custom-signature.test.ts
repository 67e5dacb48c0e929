/**
 * Item 3: a custom upcaster that is missing or mistyped is a `tsc` error in the generated
 * upcasters file, not a run-time surprise. Generates the Bank domain into a temporary project
 * with variants of its hand-written upcasters module and type-checks it with the real tsc.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/compile.js';
import { tempProject, type TempProject } from './support/temp-project.js';

const schemaPath = 'schemas/bank.domain.yaml';
const goodModule = readFileSync('schemas/bank.upcasters.ts', 'utf8');
let project: TempProject;

beforeAll(() => {
  const result = compile({ sources: [{ path: schemaPath, text: readFileSync(schemaPath, 'utf8') }] });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  project = tempProject(result.files.filter((f) => f.path.startsWith('bank/')));
});
afterAll(() => project.remove());

function typecheck(upcastersModule: string): { code: number; output: string } {
  project.write('schemas/bank.upcasters.ts', upcastersModule);
  return project.typecheck();
}

describe('custom upcasters are pinned to their generated signatures', () => {
  it('the Bank module as written type-checks against the generated code', () => {
    const { code, output } = typecheck(goodModule);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('a missing function is a tsc error in generated/bank/upcasters.ts', () => {
    const { code, output } = typecheck(
      goodModule.replace('export function depositTransactionId', 'function depositTransactionId'),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2339: Property 'depositTransactionId' does not exist/,
    );
  });

  it('a function returning the wrong type is a tsc error', () => {
    const { code, output } = typecheck(
      goodModule
        .replace(
          "previous: AccountStateV1Closed): 'open' | 'closed'",
          "previous: AccountStateV1Closed): 'open' | 'shut'",
        )
        .replace("? 'closed' : 'open'", "? 'shut' : 'open'"),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2322: Type '\(previous: AccountStateV1Closed\) => "open" \| "shut"' is not assignable to type '\(previous: AccountStateV1\) => AccountStatus'/,
    );
  });

  it('a function reading a field its version does not have is a tsc error', () => {
    // Written against Deposited v1 (`sum`) although the step is v2 → v3.
    const { code, output } = typecheck(
      goodModule
        .replace('readonly amount: { toString(): string };', 'readonly sum: { toString(): string };')
        .replace('previous.amount.toString()', 'previous.sum.toString()'),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2322: Type '\(previous: DepositedV2Content\) => string' is not assignable to type '\(previous: DepositedV2\) => string'/,
    );
    expect(output).toContain("Property 'sum' is missing in type 'DepositedV2'");
  });
});
