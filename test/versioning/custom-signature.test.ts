/**
 * Item 3: a custom upcaster that is missing or mistyped is a `tsc` error in the generated
 * upcasters file, not a run-time surprise. Generates the Bank domain into a temporary project
 * with variants of its hand-written upcasters module and type-checks it with the real tsc.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/compile.js';

const root = resolve('.');
const schemaPath = 'schemas/bank.domain.yaml';
const goodModule = readFileSync('schemas/bank.upcasters.ts', 'utf8');
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'eventforge-signature-'));
  const result = compile({ sources: [{ path: schemaPath, text: readFileSync(schemaPath, 'utf8') }] });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  for (const file of result.files) {
    const target = join(project, 'generated', file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  mkdirSync(join(project, 'schemas'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { paths: { 'eventforge/runtime': [join(root, 'runtime/index.ts')] }, types: ['node'] },
      include: ['generated', 'schemas'],
    }),
  );
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

function typecheck(upcastersModule: string): { code: number; output: string } {
  writeFileSync(join(project, 'schemas/bank.upcasters.ts'), upcastersModule);
  const run = spawnSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(project, 'tsconfig.json')], {
    encoding: 'utf8',
  });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

describe('custom upcasters are pinned to their generated signatures', () => {
  it('the Bank module as written type-checks against the generated code', () => {
    const { code, output } = typecheck(goodModule);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('a missing function is a tsc error in generated/bank/upcasters.ts', () => {
    const { code, output } = typecheck(goodModule.replace('export function depositTransactionId', 'function depositTransactionId'));
    expect(code).not.toBe(0);
    expect(output).toMatch(/generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2339: Property 'depositTransactionId' does not exist/);
  });

  it('a function returning the wrong type is a tsc error', () => {
    const { code, output } = typecheck(
      goodModule.replace("previous: AccountStateV1Closed): 'open' | 'closed'", "previous: AccountStateV1Closed): 'open' | 'shut'").replace("? 'closed' : 'open'", "? 'shut' : 'open'"),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2322: Type '\(previous: AccountStateV1Closed\) => "open" \| "shut"' is not assignable to type '\(previous: AccountStateV1\) => AccountStatus'/,
    );
  });

  it('a function reading a field its version does not have is a tsc error', () => {
    // Written against Deposited v1 (`sum`) although the step is v2 → v3.
    const { code, output } = typecheck(
      goodModule.replace('readonly amount: { toString(): string };', 'readonly sum: { toString(): string };').replace('previous.amount.toString()', 'previous.sum.toString()'),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(/generated\/bank\/upcasters\.ts\(\d+,\d+\): error TS2322: Type '\(previous: DepositedV2Content\) => string' is not assignable to type '\(previous: DepositedV2\) => string'/);
    expect(output).toContain("Property 'sum' is missing in type 'DepositedV2'");
  });
});
