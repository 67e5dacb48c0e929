/**
 * Every error in one run: a mistake of one phase (YAML, shape, type reference, apply, history,
 * upcast derivation) does not hide the mistakes of the other phases elsewhere in the file, and
 * a broken declaration does not cause findings about what uses it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type SchemaSource } from '../../generator/index.js';

const path = 'test/fixtures/every-phase/shop.domain.yaml';
const text = readFileSync(join(import.meta.dirname, '..', '..', path), 'utf8');
const lines = text.split('\n');

const check = (source: string): { code: string; at: string; message: string; hint?: string }[] =>
  compile({ sources: [{ path, text: source }], skipEmit: true }).diagnostics.map((d) => ({
    code: d.code,
    at: `${d.span.start.line}:${d.span.start.column}`,
    message: d.message,
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  }));

/** line:col of the first occurrence of `needle` on the first line containing `lineText`. */
function where(lineText: string, needle: string): string {
  const index = lines.findIndex((l) => l.includes(lineText));
  expect(index, `fixture line with ${lineText}`).toBeGreaterThanOrEqual(0);
  return `${index + 1}:${(lines[index] ?? '').indexOf(needle) + 1}`;
}

describe('every error in one run', () => {
  const found = check(text);

  it('reports one mistake of each phase, each at its place', () => {
    expect(found.map((d) => [d.code, d.at])).toEqual([
      ['EF111', where('pii: maybe', 'pii')], // shape, in type Money
      ['EF200', where('lines: "Lien[]"', 'Lien')], // type reference
      ['EF501', where('statsu: Confirmed', 'statsu')], // apply
      ['EF111', where('colour: red', 'colour')], // shape, in one event of Ticket …
      ['EF501', where('closedAd: at', 'closedAd')], // … does not hide an apply mistake in another
      ['EF110', where('  Invoice:', 'Invoice')], // shape: Invoice lacks `events` …
      ['EF111', where('evnets:', 'evnets')], // … because of a typo
      ['EF101', where('fields: { amount: string }', 'fields')], // YAML: a key written twice
      ['EF300', where('version: 3', '3')], // history rule
      ['EF320', where('        fields: { carrier: string }', 'carrier')], // upcast derivation, at the changed field …
      ['EF501', where('carier: via', 'carier')], // … beside an apply mistake in another event of Shipment
    ]);
  });

  it('keeps the did-you-mean of each', () => {
    expect(found.find((d) => d.code === 'EF200')?.hint).toBe('did you mean "Line"?');
    expect(found.filter((d) => d.code === 'EF501').map((d) => d.hint)).toEqual([
      'did you mean "status"?',
      'did you mean "closedAt"?',
      'did you mean "carrier"?',
    ]);
    expect(found.find((d) => d.at === where('evnets:', 'evnets'))?.hint).toBe('did you mean "events"?');
  });

  it('says nothing about what uses a broken declaration', () => {
    // Cart's `total: Money` names the type with a shape error: no "unknown type Money".
    expect(found.filter((d) => d.code === 'EF200' && d.message.includes('Money'))).toEqual([]);
    // Ticket's creation event has a shape error: it is set aside, but Ticket is not "without creation event".
    expect(found.filter((d) => d.code === 'EF500')).toEqual([]);
    // Invoice without `events` (a typo): no "no creation event" on top of the typo.
    expect(found.filter((d) => d.message.includes('Invoice')).map((d) => d.code)).toEqual(['EF110', 'EF111']);
    // Payment's event with \`fields\` twice: its aggregate is not judged on a guess of which one counts.
    expect(found.filter((d) => d.message.includes('Payment'))).toEqual([]);
  });

  it('finds each of them alone once the others are fixed', () => {
    // Each reported mistake is real: fixing all but one leaves exactly that one's diagnostics.
    const fixes: { from: string; to: string; codes: string[] }[] = [
      { from: '    pii: maybe\n', to: '', codes: ['EF111'] },
      { from: '"Lien[]"', to: '"Line[]"', codes: ['EF200'] },
      { from: 'statsu: Confirmed', to: 'status: Confirmed', codes: ['EF501'] },
      { from: ', colour: red', to: '', codes: ['EF111'] },
      { from: 'closedAd: at', to: 'closedAt: at', codes: ['EF501'] },
      { from: '    evnets:', to: '    events:', codes: ['EF110', 'EF111'] },
      { from: '        fields: { amount: string }\n', to: '', codes: ['EF101'] },
      { from: '        version: 3\n', to: '        version: 2\n', codes: ['EF300'] },
      { from: '            fields: { carrier: int }', to: '            fields: { carrier: string }', codes: ['EF320'] },
      { from: 'carier: via', to: 'carrier: via', codes: ['EF501'] },
    ];
    const fixAll = (except: number): string =>
      fixes.reduce((t, f, i) => (i === except ? t : t.replace(f.from, f.to)), text);
    expect(check(fixAll(-1))).toEqual([]);
    expect(fixes.flatMap((f) => f.codes)).toEqual(found.map((d) => d.code));
    fixes.forEach((fix, index) => {
      expect(
        check(fixAll(index)).map((d) => d.code),
        `only "${fix.from.trim()}" left`,
      ).toEqual(fix.codes);
    });
  });

  it('still stops at a YAML syntax error that leaves the file unreadable', () => {
    const broken: SchemaSource = { path, text: text.replace('  Order:\n', '  Order: [\n') };
    const codes = compile({ sources: [broken], skipEmit: true }).diagnostics.map((d) => d.code);
    expect(codes).toContain('EF100');
    expect(codes.filter((c) => !/^EF10\d$/.test(c))).toEqual([]);
  });

  it('sets aside a whole section that is not a map, without reporting the types it held as unknown', () => {
    const source = [
      'domain: Shop',
      'types: [Money]',
      'aggregates:',
      '  Cart:',
      '    state: { fields: { owner: string, total: Money } }',
      '    events:',
      '      Opened: { creates: true, fields: { owner: string }, apply: custom }',
      '  Shelf:',
      '    state: { fields: { label: string } }',
      '    events:',
      '      Built: { creates: true, fields: { label: string } }',
      '      Relabelled: { fields: { name: string }, apply: { set: { lable: name } } }',
      '',
    ].join('\n');
    expect(check(source).map((d) => [d.code, d.at])).toEqual([
      ['EF112', '2:8'],
      ['EF501', '12:63'],
    ]);
  });

  it('stops at a top-level key written twice (which of the two counts is a guess)', () => {
    const source =
      'domain: Shop\naggregates: {}\naggregates:\n  Cart: { events: { Made: { fields: { x: strng } } } }\n';
    expect(check(source).map((d) => d.code)).toEqual(['EF101']);
  });
});
