import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { accountStatusFromClosed, depositTransactionId } from '../../schemas/bank.upcasters.js';

describe('Bank custom upcasters', () => {
  it('accountStatusFromClosed maps the v1 flag to the v2 status', () => {
    expect(accountStatusFromClosed({ closed: true })).toBe('closed');
    expect(accountStatusFromClosed({ closed: false })).toBe('open');
  });

  it('depositTransactionId is a deterministic version-5 UUID of the v2 payload', () => {
    const a = { amount: new Decimal('10.50'), reference: 'rent' };
    const id = depositTransactionId(a);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(depositTransactionId({ amount: new Decimal('10.50'), reference: 'rent' })).toBe(id);
    expect(depositTransactionId({ amount: new Decimal('10.51'), reference: 'rent' })).not.toBe(id);
    expect(depositTransactionId({ amount: new Decimal('10.50'), reference: 'rent', note: 'x' })).not.toBe(id);
    expect(depositTransactionId({ amount: new Decimal('10.50'), reference: 'rent2' })).not.toBe(id);
  });
});
