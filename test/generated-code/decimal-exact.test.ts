/**
 * Declarative `increment`/`decrement` on decimal state fields are exact: no rounding to
 * decimal.js's default 20 significant digits, whatever the size of the numbers.
 */
import { describe, expect, it } from 'vitest';
import { addDecimal, subtractDecimal } from '../../runtime/index.js';
import { BankAccount, Decimal } from '../versioning/support/bank-account.js';

function openAccount(): BankAccount {
  return BankAccount.create(
    { owner: 'Ada', email: 'ada@example.com', currency: 'EUR', openedOn: '2025-01-01' },
    { id: 'account-1', timestamp: new Date('2025-01-01T00:00:00Z') },
  );
}

describe('exact decimal arithmetic', () => {
  it('a generated declarative increment keeps every digit of a 22-digit balance', () => {
    const account = openAccount();
    account.deposit({ amount: new Decimal('123456789012345678901.5'), transactionId: '00000000-0000-4000-8000-000000000001' });
    account.deposit({ amount: new Decimal('0.01'), transactionId: '00000000-0000-4000-8000-000000000002' });
    expect(account.balance.toFixed()).toBe('123456789012345678901.51');
  });

  it('the runtime helpers add and subtract beyond the default precision, returning plain Decimals', () => {
    const big = new Decimal('98765432109876543210987654321.000000001');
    const sum = addDecimal(big, new Decimal('0.000000001'));
    expect(sum.toFixed()).toBe('98765432109876543210987654321.000000002');
    expect(subtractDecimal(sum, big).toFixed()).toBe('0.000000001');
    expect(sum).toBeInstanceOf(Decimal);
  });
});
