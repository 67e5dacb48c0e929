/**
 * Declarative `increment`/`decrement` on decimal state fields are exact: no rounding to
 * decimal.js's default 20 significant digits, whatever the size of the numbers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { addDecimal, subtractDecimal } from '../../runtime/internal.js';
import { ROOT } from '../emit/golden-cases.js';
import { BankAccount, Decimal } from '../versioning/support/bank-account.js';

const ledger = `domain: Ledger
aggregates:
  Till:
    state:
      fields:
        cash: decimal
    events:
      Opened:
        creates: true
        fields: { cash: decimal }
        apply:
          assign: { cash: cash }
      Paid:
        fields: { amount: decimal }
        apply:
          decrement: { cash: amount }
`;

/** The ready class `Till` the generator makes of the schema above, as application code sees it. */
interface TillClass {
  create(
    input: { cash: Decimal },
    options: { id: string },
  ): { triggerPaid(input: { amount: Decimal }): void; readonly cash: Decimal };
}

/** Generates the Ledger domain into a temporary folder at the repository root and imports it. */
async function withLedger(run: (Till: TillClass) => void): Promise<void> {
  const result = compile({ sources: [{ path: 'schemas/ledger.domain.yaml', text: ledger }], outToCwd: '..' });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const dir = mkdtempSync(join(ROOT, '.fixture-build-decimal-'));
  try {
    for (const file of result.files.filter((f) => /\.(ts|js)$/.test(f.path))) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.contents);
    }
    const module = (await import(pathToFileURL(join(dir, 'ledger', 'index.ts')).href)) as { Till: TillClass };
    run(module.Till);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openAccount(): BankAccount {
  return BankAccount.create(
    { owner: 'Ada', email: 'ada@example.com', currency: 'EUR', openedOn: '2025-01-01' },
    { id: 'account-1', timestamp: new Date('2025-01-01T00:00:00Z') },
  );
}

describe('exact decimal arithmetic', () => {
  it('a generated declarative increment keeps every digit of a 22-digit balance', () => {
    const account = openAccount();
    account.deposit({
      amount: new Decimal('123456789012345678901.5'),
      transactionId: '00000000-0000-4000-8000-000000000001',
    });
    account.deposit({ amount: new Decimal('0.01'), transactionId: '00000000-0000-4000-8000-000000000002' });
    expect(account.balance.toFixed()).toBe('123456789012345678901.51');
  });

  it('a generated declarative decrement keeps every digit too', async () => {
    await withLedger((Till) => {
      const till = Till.create({ cash: new Decimal('100000000000000000000000.25') }, { id: 'till-1' });
      till.triggerPaid({ amount: new Decimal('0.01') });
      expect(till.cash.toFixed()).toBe('100000000000000000000000.24');
    });
  });

  it('the runtime helpers add and subtract beyond the default precision, returning plain Decimals', () => {
    const big = new Decimal('98765432109876543210987654321.000000001');
    const sum = addDecimal(big, new Decimal('0.000000001'));
    expect(sum.toFixed()).toBe('98765432109876543210987654321.000000002');
    expect(subtractDecimal(sum, big).toFixed()).toBe('0.000000001');
    expect(sum).toBeInstanceOf(Decimal);
  });
});
