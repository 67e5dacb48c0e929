/**
 * The upcasters module a schema names is type-checked against the signatures generated code
 * calls (EF330, EF331), through the public compile() API: the real Bank schema and module, and
 * broken copies of the module, each reported at its `using:` value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, formatDiagnostic, type Diagnostic } from '../../generator/index.js';
import { explainCode } from '../../cli/commands/explain.js';

const repo = join(import.meta.dirname, '..', '..');
const bankPath = 'schemas/bank.domain.yaml';
const modulePath = 'schemas/bank.upcasters.ts';
const bank = readFileSync(join(repo, bankPath), 'utf8');
const bankModule = readFileSync(join(repo, modulePath), 'utf8');

/** Line and column (1-based) where the schema text names `using: <name>`: the value's position. */
function usingAt(schema: string, name: string): { line: number; column: number } {
  const lines = schema.split('\n');
  const line = lines.findIndex((l) => l.includes(`using: ${name}`));
  expect(line, `the schema says using: ${name}`).toBeGreaterThanOrEqual(0);
  return { line: line + 1, column: (lines[line] ?? '').indexOf(`using: ${name}`) + 'using: '.length + 1 };
}

function checkBank(moduleText: string): readonly Diagnostic[] {
  return compile({
    sources: [{ path: bankPath, text: bank }],
    modules: [{ path: modulePath, text: moduleText }],
    skipEmit: true,
  }).diagnostics;
}

/** `text` with `from` replaced, failing if `from` is not there (so a changed example cannot make a test vacuous). */
function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('the upcasters module of a schema', () => {
  it('passes for the Bank example and its module as written', () => {
    const result = compile({
      sources: [{ path: bankPath, text: bank }],
      modules: [{ path: modulePath, text: bankModule }],
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.files.length).toBeGreaterThan(0);
  });

  it('reports a missing export at the using: line, with did-you-mean over the exported functions only', () => {
    const renamed = edit(bankModule, 'export function depositTransactionId(', 'export function depositTransactionID(');
    const withConstant = `${renamed}\nexport const depositTransactionIds = 3;\n`;
    const [d, ...rest] = checkBank(withConstant);
    expect(rest).toEqual([]);
    expect(d?.code).toBe('EF330');
    expect(d?.span.start).toMatchObject(usingAt(bank, 'depositTransactionId'));
    expect(d?.message).toBe(
      'event Account.Deposited v2→v3: upcaster "depositTransactionId" is not exported by schemas/bank.upcasters.ts',
    );
    expect(d?.hint).toBe(
      `did you mean "depositTransactionID"? The function must fit (previous: DepositedV2) => DepositedV3['transactionId'], where DepositedV3['transactionId'] is string`,
    );

    const onlyConstant = `${edit(bankModule, 'export function depositTransactionId(', 'function somethingElse(')}\nexport const depositTransactionIdx = 3;\n`;
    const [far] = checkBank(onlyConstant);
    expect(far?.hint).toBe(
      `add \`export function depositTransactionId(previous: DepositedV2): DepositedV3['transactionId']\` to schemas/bank.upcasters.ts (DepositedV3['transactionId'] is string)`,
    );
  });

  it('reports an export that is not a function, or only a type', () => {
    const constant = edit(
      bankModule,
      'export function accountStatusFromClosed(',
      'export const accountStatusFromClosed = 42;\nfunction unused(',
    );
    const [d] = checkBank(constant);
    expect(d?.span.start).toMatchObject(usingAt(bank, 'accountStatusFromClosed'));
    expect(formatDiagnostic(d as Diagnostic)).toMatch(
      /error EF330: state of Account v1→v2: "accountStatusFromClosed" \(schemas\/bank\.upcasters\.ts:\d+\) is not a function: its type is number\n {2}hint: export a function that fits \(previous: AccountStateV1\) => AccountStateV2\['status'\], where AccountStateV2\['status'\] is AccountStatus \('open' \| 'frozen' \| 'closed'\)$/,
    );

    const typeOnly = `${edit(bankModule, 'export function accountStatusFromClosed(', 'function unused(')}\nexport type accountStatusFromClosed = string;\n`;
    const [t] = checkBank(typeOnly);
    expect(t?.message).toMatch(
      /"accountStatusFromClosed" \(schemas\/bank\.upcasters\.ts:\d+\) is a type, not a function$/,
    );
  });

  it('reports a parameter type that does not fit the version the generated code passes', () => {
    const [d, ...rest] = checkBank(edit(bankModule, 'readonly closed: boolean;', 'readonly closed: string;'));
    expect(rest).toEqual([]);
    expect(d?.code).toBe('EF330');
    expect(d?.span.start).toMatchObject(usingAt(bank, 'accountStatusFromClosed'));
    expect(d?.message).toMatch(
      /^state of Account v1→v2: upcaster "accountStatusFromClosed" \(schemas\/bank\.upcasters\.ts:\d+\) cannot take the AccountStateV1 it is given: /,
    );
    expect(d?.message).toContain(
      "Types of property 'closed' are incompatible. Type 'boolean' is not assignable to type 'string'.",
    );
    expect(d?.hint).toBe(
      `the generated code calls it as (previous: AccountStateV1) => AccountStateV2['status'], where AccountStateV2['status'] is AccountStatus ('open' | 'frozen' | 'closed')`,
    );
  });

  it('reports a function that needs more arguments than the one it is given', () => {
    const [d] = checkBank(
      edit(
        bankModule,
        'depositTransactionId(previous: DepositedV2Content)',
        'depositTransactionId(previous: DepositedV2Content, salt: string)',
      ),
    );
    expect(d?.span.start).toMatchObject(usingAt(bank, 'depositTransactionId'));
    expect(d?.message).toContain('cannot take the DepositedV2 it is given: Expected 2 arguments, but got 1.');
  });

  it('reports a return type that does not fit the field of the next version', () => {
    const shut = edit(
      edit(bankModule, "): 'open' | 'closed' {", "): 'open' | 'shut' {"),
      "'closed' : 'open'",
      "'shut' : 'open'",
    );
    const [d, ...rest] = checkBank(shut);
    expect(rest).toEqual([]);
    expect(d?.span.start).toMatchObject(usingAt(bank, 'accountStatusFromClosed'));
    expect(d?.message).toMatch(
      /returns a value that does not fit AccountStateV2\['status'\]: Type '"open" \| "shut"' is not assignable to type 'AccountStatus'\./,
    );

    const promise = edit(
      bankModule,
      'export function depositTransactionId(previous: DepositedV2Content): string {',
      'export async function depositTransactionId(previous: DepositedV2Content): Promise<string> {',
    );
    const [p] = checkBank(promise);
    expect(p?.span.start).toMatchObject(usingAt(bank, 'depositTransactionId'));
    expect(p?.message).toContain("returns a value that does not fit DepositedV3['transactionId']");
  });

  it('reports every broken using: of a module at once, and generates nothing', () => {
    const both = edit(
      edit(bankModule, 'export function depositTransactionId(', 'function depositTransactionId('),
      'readonly closed: boolean;',
      'readonly closed: number;',
    );
    const result = compile({ sources: [{ path: bankPath, text: bank }], modules: [{ path: modulePath, text: both }] });
    expect(result.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ['EF330', usingAt(bank, 'accountStatusFromClosed').line],
      ['EF330', usingAt(bank, 'depositTransactionId').line],
    ]);
    expect(result.files).toEqual([]);
    expect(result.project).toBeUndefined();
  });

  it('reads imports of the generated types from the schema, whether or not they were generated', () => {
    const schema = `domain: Shop\nupcasters: ./shop.upcasters.ts\naggregates:\n  Cart:\n    state:\n      fields: { owner: string }\n    events:\n      Opened:\n        creates: true\n        version: 2\n        fields: { owner: string }\n        apply: custom\n        history:\n          1:\n            fields: { ownerId: int }\n            upcast:\n              owner: { using: ownerFromId }\n`;
    // No generated/ exists for Shop: the import resolves to the types derived from the schema
    // (were it unresolved, the parameter would be \`any\` and the wrong version would pass).
    const module = (version: string): string =>
      `import type { ${version} } from '../generated/shop/types.js';\nexport function ownerFromId(previous: ${version}): string {\n  return String(previous);\n}\n`;
    const check = (text: string): readonly Diagnostic[] =>
      compile({
        sources: [{ path: 'schemas/shop.domain.yaml', text: schema }],
        modules: [{ path: 'schemas/shop.upcasters.ts', text }],
        skipEmit: true,
      }).diagnostics;
    expect(check(module('OpenedV1'))).toEqual([]);
    const [d] = check(module('OpenedV2'));
    expect(d?.code).toBe('EF330');
    expect(d?.message).toContain(
      "cannot take the OpenedV1 it is given: Argument of type 'OpenedV1' is not assignable to parameter of type 'OpenedV2'. Property 'owner' is missing",
    );
  });

  it('reports a named module that is not among the modules given (EF331), and checks nothing when none are given', () => {
    const missing = compile({ sources: [{ path: bankPath, text: bank }], modules: [], skipEmit: true });
    const lines = bank.split('\n');
    const line = lines.findIndex((l) => l.startsWith('upcasters:')) + 1;
    expect(missing.diagnostics.map(formatDiagnostic)).toEqual([
      `${bankPath}:${line}:12: error EF331: upcasters module "./bank.upcasters.ts" not found: there is no file schemas/bank.upcasters.ts\n` +
        '  hint: create schemas/bank.upcasters.ts exporting accountStatusFromClosed, depositTransactionId, or correct the path (it is relative to the schema file)',
    ]);
    expect(compile({ sources: [{ path: bankPath, text: bank }], skipEmit: true }).diagnostics).toEqual([]);
  });

  it('prints exactly the example of EF330 in docs/errors.md', () => {
    const entry = explainCode(readFileSync(join(repo, 'docs', 'errors.md'), 'utf8'), 'EF330') ?? '';
    const block = (lang: string): string => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(entry)?.[1] ?? '';
    const result = compile({
      sources: [{ path: 'example.domain.yaml', text: block('yaml') }],
      modules: [{ path: 'shop.upcasters.ts', text: block('ts') }],
      skipEmit: true,
    });
    expect(result.diagnostics.map(formatDiagnostic).join('\n')).toBe(block('text').trimEnd());
    expect(result.diagnostics.map((d) => d.code)).toEqual(['EF330']);
  });
});
