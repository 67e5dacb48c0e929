/**
 * Wording of generated code a user reads: constraint notes in proper English, defaults shown as
 * the user wrote them, tidy empty literals, and event descriptions, constraints and the
 * personal-data note on every member a user hovers (triggers, the creation factory, getters).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { docAbove } from './doc-above.js';

const schema = `domain: Words
aggregates:
  Wallet:
    state:
      fields:
        owner: { type: string, minLength: 1, pii: true, description: Who holds it. }
        balance: { type: decimal, min: 0, default: "0" }
        tags: { type: "string[]", maxLength: 1 }
    events:
      Opened:
        description: The wallet was opened for its owner.
        creates: true
        fields:
          owner: { type: string, minLength: 1, pii: true }
          limit: { type: decimal, default: "10.50" }
        apply:
          assign: { owner: owner }
      Closed:
        description: Nobody can pay from it any more.
        fields:
          reason: string?
          note: { type: "string?", minLength: 2 }
`;

const result = compile({ sources: [{ path: 'schemas/words.domain.yaml', text: schema }] });
const file = (name: string): string => result.files.find((f) => f.path === `words/${name}`)?.contents ?? '';

describe('wording of generated code', () => {
  it('compiles', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('says "1 character" and "1 item", plural otherwise', () => {
    const types = file('types.ts');
    const state = types.slice(types.indexOf('export interface WalletStateV1'));
    expect(docAbove(state, /^ {2}readonly owner: string \| Redacted;/)).toBe(
      'Who holds it. Constraints: at least 1 character. Personal data.',
    );
    expect(docAbove(state, /^ {2}readonly tags: /)).toBe('Constraints: at most 1 item.');
    const closed = types.slice(types.indexOf('export interface ClosedV1'));
    expect(docAbove(closed, /^ {2}readonly note\?: string;/)).toBe('Constraints: at least 2 characters.');
  });

  it('shows a decimal default as the number, not as a JSON string', () => {
    const types = file('types.ts');
    const opened = types.slice(types.indexOf('export interface OpenedV1'));
    expect(docAbove(opened, /^ {2}readonly limit: Decimal;/)).toBe('Default: `10.50`.');
  });

  it('prints the data of a payload with only optional fields as `{}` on one line', () => {
    const aggregates = file('aggregates.ts');
    expect(aggregates).toContain('const data: Mutable<ClosedData> = {};\n');
    expect(aggregates).not.toMatch(/= \{\n\s*\};/);
  });

  it('carries the event description to its trigger and to the creation factory', () => {
    const aggregates = file('aggregates.ts');
    expect(docAbove(aggregates, /^ {2}protected triggerClosed\(/)).toMatch(
      /^Nobody can pay from it any more\. Triggers `Closed`/,
    );
    expect(docAbove(aggregates, /^ {2}static create</)).toMatch(
      /^The wallet was opened for its owner\. Creates a Wallet/,
    );
  });

  it('documents getters with the constraints, default and personal-data note of their fields', () => {
    const aggregates = file('aggregates.ts');
    expect(docAbove(aggregates, /^ {2}get owner\(\): string \| Redacted \{/)).toBe(
      'Who holds it. Constraints: at least 1 character. Personal data.',
    );
    expect(docAbove(aggregates, /^ {2}get balance\(\): Decimal \{/)).toBe('Constraints: at least 0. Default: `0`.');
  });
});
