/**
 * Item 4 at the codec level: the checked-in generated Bank code decodes every stored version
 * of Deposited (v1, v2, v3) and of the Account state (v1, v2) as the current version, through
 * the generated upcasters, and refuses versions it does not know.
 */
import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { accountStateCodec, depositedCodec } from '../../generated/bank/index.js';
import { upcastDepositedV1, upcastDepositedV2 } from '../../generated/bank/upcasters.js';
import { compile } from '../../generator/compile.js';
import { UnknownSchemaVersionError } from '../../runtime/errors.js';
import { depositTransactionId } from '../../schemas/bank.upcasters.js';

describe('Deposited: v1 → v2 → v3 at read time', () => {
  it('decodes a v1 payload: sum renamed to amount, reference defaulted, channel dropped, transactionId computed', () => {
    const data = depositedCodec.decode({ sum: '12.50', note: 'salary', channel: 'web' }, 1);
    const expectedId = depositTransactionId({ amount: new Decimal('12.50'), note: 'salary', reference: '' });
    expect(data.amount.equals(new Decimal('12.50'))).toBe(true);
    expect(data).toStrictEqual({ amount: data.amount, reference: '', transactionId: expectedId });
    expect(Object.keys(data).sort()).toEqual(['amount', 'reference', 'transactionId']);
  });

  it('decodes a v2 payload: note dropped, transactionId computed, occurredAt left absent', () => {
    const data = depositedCodec.decode({ amount: '3', reference: 'refund' }, 2);
    expect(data.reference).toBe('refund');
    expect(data.transactionId).toBe(depositTransactionId({ amount: new Decimal('3'), reference: 'refund' }));
    expect('occurredAt' in data).toBe(false);
    expect('note' in data).toBe(false);
  });

  it('decodes a v3 payload as is', () => {
    const wire = {
      amount: '0.01',
      reference: 'x',
      transactionId: '0b8f5d1e-4a0b-4c4e-9a43-0d7b5e2f6a10',
      occurredAt: '2024-05-01T10:00:00.000Z',
    };
    const data = depositedCodec.decode(wire, 3);
    expect(depositedCodec.encode(data)).toEqual(wire);
  });

  it('gives the same result on every read (upcasters are deterministic)', () => {
    const wire = { sum: '1.00', channel: 'atm' };
    expect(depositedCodec.encode(depositedCodec.decode(wire, 1))).toEqual(
      depositedCodec.encode(depositedCodec.decode(wire, 1)),
    );
  });

  it('keeps an absent optional field absent through a step (no undefined-valued key)', () => {
    const v2 = upcastDepositedV1({ sum: new Decimal(5), channel: 'web' });
    expect(Object.keys(v2).sort()).toEqual(['amount', 'reference']);
    expect(upcastDepositedV1({ sum: new Decimal(5), channel: 'web', note: 'n' }).note).toBe('n');
    expect(Object.keys(upcastDepositedV2(v2)).sort()).toEqual(['amount', 'reference', 'transactionId']);
  });

  it.each([0, 4, 99, -1, 1.5])('refuses schema version %s with UnknownSchemaVersionError', (version) => {
    expect(() =>
      depositedCodec.decode(
        { amount: '1', reference: '', transactionId: '0b8f5d1e-4a0b-4c4e-9a43-0d7b5e2f6a10' },
        version,
      ),
    ).toThrow(UnknownSchemaVersionError);
  });
});

describe('Account state: v1 snapshots read as v2', () => {
  const v1 = {
    holder: 'Alice',
    email: 'alice@example.com',
    balance: '125.50',
    currency: 'EUR',
    closed: false,
    transactionCount: 2,
    tags: ['vip'],
    openedOn: '2024-01-02',
  };

  it('renames holder to owner, computes status, fills overdraftLimit and limits, leaves address absent', () => {
    const state = accountStateCodec.decode(v1, 1);
    expect(accountStateCodec.encode(state)).toEqual({
      owner: 'Alice',
      email: 'alice@example.com',
      balance: '125.5',
      currency: 'EUR',
      status: 'open',
      overdraftLimit: '0',
      transactionCount: 2,
      tags: ['vip'],
      limits: {},
      openedOn: '2024-01-02',
    });
    expect('address' in state).toBe(false);
    expect(accountStateCodec.decode({ ...v1, closed: true }, 1).status).toBe('closed');
  });

  it('gives every read its own default collections', () => {
    expect(accountStateCodec.decode(v1, 1).limits).not.toBe(accountStateCodec.decode(v1, 1).limits);
  });

  it('refuses a snapshot of state version 3', () => {
    const error = (() => {
      try {
        accountStateCodec.decode(v1, 3);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    expect((error as UnknownSchemaVersionError).message).toBe(
      'Bank.Account stored at schema version 3, but this code knows versions 1..2; deploy the newer code before reading it',
    );
  });
});

describe('the upcasters emitter', () => {
  const compileBank = (extra: { path: string; text: string }[] = []) =>
    compile({
      sources: [{ path: 'schemas/bank.domain.yaml', text: readFileSync('schemas/bank.domain.yaml', 'utf8') }, ...extra],
    });

  it('is deterministic and independent of the order of the sources', () => {
    const dog = {
      path: 'schemas/dog-school.domain.yaml',
      text: readFileSync('schemas/dog-school.domain.yaml', 'utf8'),
    };
    const a = compileBank([dog]).files;
    const b = compile({
      sources: [dog, { path: 'schemas/bank.domain.yaml', text: readFileSync('schemas/bank.domain.yaml', 'utf8') }],
    }).files;
    expect(a.map((f) => f.contents)).toEqual(b.map((f) => f.contents));
  });

  it('writes upcasters only for domains with history, and the checked-in file is current', () => {
    const files = compile({
      sources: ['bank', 'dog-school', 'identity', 'person-registry', 'worked-example'].map((n) => ({
        path: `schemas/${n}.domain.yaml`,
        text: readFileSync(`schemas/${n}.domain.yaml`, 'utf8'),
      })),
    }).files.filter((f) => f.path.endsWith('/upcasters.ts'));
    expect(files.map((f) => f.path)).toEqual(['bank/upcasters.ts']);
    expect(files[0]?.contents).toBe(readFileSync('generated/bank/upcasters.ts', 'utf8'));
  });

  it('pins each custom function to its exact signature and imports the module relative to the output', () => {
    const text = compileBank().files.find((f) => f.path === 'bank/upcasters.ts')!.contents;
    expect(text.split('\n')[0]).toBe('// Code generated by eventforge from schemas/bank.domain.yaml. DO NOT EDIT.');
    expect(text).toContain("import * as custom from '../../schemas/bank.upcasters.js';");
    expect(text).toContain(
      "const depositedV2TransactionId: (previous: DepositedV2) => DepositedV3['transactionId'] = custom.depositTransactionId;",
    );
    expect(text).toContain(
      "const accountStateV1Status: (previous: AccountStateV1) => AccountStateV2['status'] = custom.accountStatusFromClosed;",
    );
    expect(text).not.toMatch(/\bany\b/);
  });
});
