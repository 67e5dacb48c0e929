/**
 * Generated repositories and upcasters fit in 120 columns: signatures longer than that (long
 * domain and aggregate names, several hand-written classes) get one parameter per line, long
 * import lists one name per line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { ROOT } from './golden-cases.js';

const longNames = `domain: PaymentProcessing
aggregates:
  CrossBorderSettlementInstruction:
    state:
      fields:
        reference: string
    events:
      SettlementInstructionIssued:
        creates: true
        fields: { reference: string }
        apply: custom
  CorrespondentBankingRelationship:
    state:
      fields:
        reference: string
    events:
      CorrespondentRelationshipOpened:
        creates: true
        fields: { reference: string }
        apply: custom
  ExchangeRateQuotation:
    state:
      fields:
        reference: string
    events:
      ExchangeRateQuoted:
        creates: true
        fields: { reference: string }
`;

function repositoryFiles(path: string, text: string): { path: string; contents: string }[] {
  const result = compile({ sources: [{ path, text }] });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.files.filter((f) => f.path.endsWith('/repositories.ts'));
}

function longLines(files: { path: string; contents: string }[]): string[] {
  return files.flatMap((f) =>
    f.contents
      .split('\n')
      .filter((line) => line.length > 120)
      .map((line) => `${f.path}: ${line}`),
  );
}

describe('line width of generated repositories', () => {
  it('the example schemas: no line over 120 characters', () => {
    const schemas = readdirSync(join(ROOT, 'schemas')).filter((name) => name.endsWith('.domain.yaml'));
    const files = schemas.flatMap((name) =>
      repositoryFiles(`schemas/${name}`, readFileSync(join(ROOT, 'schemas', name), 'utf8')),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(longLines(files)).toEqual([]);
  });

  it('long names and several hand-written classes: parameters one per line, still valid TypeScript shape', () => {
    const files = repositoryFiles('schemas/long.domain.yaml', longNames);
    expect(longLines(files)).toEqual([]);
    const contents = files[0]?.contents ?? '';
    expect(contents).toContain('export function paymentProcessingRepositories<\n');
    expect(contents).toMatch(/\n {2}app: Application,\n {2}classes: PaymentProcessingAggregateClasses<[^\n]*>,\n\): /);
  });
});

/** Twelve events with a second version each: the upcasters file imports 24 payload types. */
const manyVersions = `domain: Ledger
aggregates:
  Ledger:
    state:
      fields:
        reference: string
    events:
${Array.from(
  { length: 12 },
  (_, i) => `      LedgerEntryNumber${i}Recorded:
        ${i === 0 ? 'creates: true\n        ' : ''}version: 2
        fields: { reference: string, note: string? }
        history:
          1: { fields: { reference: string } }`,
).join('\n')}
`;

describe('line width of generated upcasters', () => {
  it('a long type import is one name a line, as in the other generated files', () => {
    const result = compile({ sources: [{ path: 'schemas/ledger.domain.yaml', text: manyVersions }] });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const upcasters = result.files.filter((f) => f.path.endsWith('/upcasters.ts'));
    expect(upcasters.length).toBe(1);
    expect(longLines(upcasters)).toEqual([]);
    expect(upcasters[0]?.contents).toMatch(/^import type \{\n {2}LedgerEntryNumber0RecordedV1,\n/m);
  });
});
