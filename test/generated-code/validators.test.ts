/**
 * The generated ajv standalone validators as application code can use them on raw JSON
 * (e.g. a request body) before building a typed input: every violation, with its path.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../runtime/index.js';
import type { JsonValue } from '../../runtime/index.js';
import { assertValid, schemaIssues, type SchemaValidator } from '../../runtime/internal.js';
import { validateDeposited, validateOpened, validateStatementAttached } from '../../generated/bank/index.js';
import { validateEverything, validateTagAdded } from '../fixtures/golden/kitchen/expected/kitchen/index.js';

function issues(validator: SchemaValidator, wire: JsonValue): { path: string; message: string }[] {
  return validator(wire) ? [] : schemaIssues(validator.errors ?? []);
}

const opened = { owner: 'Ada', email: 'ada@example.com', currency: 'EUR', openedOn: '2024-01-31' };

describe('generated validators on raw JSON', () => {
  it('accept a valid input, with defaulted fields left out', () => {
    expect(issues(validateOpened, opened)).toEqual([]);
    expect(issues(validateOpened, { ...opened, overdraftLimit: '100.50' })).toEqual([]);
  });

  it('list every violation with its path', () => {
    expect(
      issues(validateOpened, { owner: '', email: 'no at sign', currency: 'CHF', overdraftLimit: '-0.01', extra: 1 }),
    ).toEqual([
      { path: 'openedOn', message: 'is required' },
      { path: 'extra', message: 'is not a declared field' },
      { path: 'owner', message: 'must have at least 1 character' },
      { path: 'email', message: 'must match pattern "^[^@\\s]+@[^@\\s]+$"' },
      { path: 'currency', message: 'must be one of EUR, USD, GBP' },
      { path: 'overdraftLimit', message: 'must be >= 0' },
    ]);
  });

  it('compare decimal bounds exactly, on the text', () => {
    const deposit = { amount: '0.01', transactionId: '00000000-0000-4000-8000-000000000000' };
    expect(issues(validateDeposited, deposit)).toEqual([]);
    expect(issues(validateDeposited, { ...deposit, amount: '0.00999999999999999999999999' })).toEqual([
      { path: 'amount', message: 'must be >= 0.01' },
    ]);
    expect(issues(validateDeposited, { ...deposit, amount: '1e-3' })).toEqual([
      { path: 'amount', message: 'must be >= 0.01' },
    ]);
    expect(issues(validateDeposited, { ...deposit, amount: 'NaN' })).toEqual([
      { path: 'amount', message: 'must be a decimal number as text' },
    ]);
  });

  it('check the text forms of uuid, date, date-time, bytes and bigint', () => {
    const statement = {
      document: 'AAEC',
      metadata: { any: ['json'] },
      pages: 1,
      sizeBytes: '12345678901234567890',
      issuedAt: '2024-01-01T00:00:00.000Z',
      checksums: { sha: 'x' },
    };
    expect(issues(validateStatementAttached, statement)).toEqual([]);
    expect(
      issues(validateStatementAttached, {
        ...statement,
        document: 'A',
        sizeBytes: '1.5',
        issuedAt: '2024-01-01',
        pages: 0,
        checksums: { sha: 1 },
      }),
    ).toEqual([
      { path: 'document', message: 'must be base64 text' },
      { path: 'pages', message: 'must be >= 1' },
      { path: 'sizeBytes', message: 'must be an integer as text' },
      { path: 'issuedAt', message: 'must be an ISO 8601 date-time with a time zone' },
      { path: 'checksums.sha', message: 'must be a string' },
    ]);
    expect(issues(validateDeposited, { amount: '1', transactionId: 'nope' })).toEqual([
      { path: 'transactionId', message: 'must be a UUID' },
    ]);
  });

  it('check nested value objects through their shared schema, and list bounds on lists', () => {
    expect(issues(validateTagAdded, { tag: { label: '', price: { amount: '-1', colour: 'red' } } })).toEqual([
      { path: 'tag.label', message: 'must have at least 1 character' },
      { path: 'tag.price.amount', message: 'must be >= 0' },
    ]);
    const tags = Array.from({ length: 6 }, () => ({ label: 'x' }));
    expect(issues(validateEverything, { tags }).find((i) => i.path === 'tags')).toEqual({
      path: 'tags',
      message: 'must have at most 5 items',
    });
  });

  it('assertValid throws a typed ValidationError naming the topic', () => {
    expect(() => assertValid('Bank.Account.Opened', validateOpened, {})).toThrow(ValidationError);
    expect(() => assertValid('Bank.Account.Opened', validateOpened, {})).toThrow(
      /invalid Bank\.Account\.Opened: owner is required; email is required; currency is required; openedOn is required/,
    );
  });
});
