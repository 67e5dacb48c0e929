/**
 * Hand-written custom upcasters of the Bank domain (schemas/bank.domain.yaml, `upcasters:`).
 *
 * Each function computes one field of version k+1 from a whole payload of version k. The
 * generated generated/bank/upcasters.ts assigns each to its exact generated signature, e.g.
 * `(previous: DepositedV2) => DepositedV3['transactionId']`, so `tsc` refuses a function that
 * is missing or whose parameter or result type does not fit.
 *
 * Upcasters run on every read of old data: they must be pure and deterministic (same input,
 * same output, no clock, no randomness), or an aggregate would load differently each time.
 */
import { createHash } from 'node:crypto';

/** The parts of generated types these functions read (generated/bank/types.ts holds the full types). */
interface AccountStateV1Closed {
  readonly closed: boolean;
}
interface DepositedV2Content {
  readonly amount: { toString(): string };
  readonly note?: string;
  readonly reference: string;
}

/** Account state v1 had `closed: boolean`; v2 has `status: AccountStatus`. Frozen did not exist in v1. */
export function accountStatusFromClosed(previous: AccountStateV1Closed): 'open' | 'closed' {
  return previous.closed ? 'closed' : 'open';
}

/**
 * Deposited v2 had no transaction id. The id given to an old deposit is a name-based UUID
 * (version 5 layout, SHA-1) of its v2 payload, so every read gives the same id. Two v2
 * deposits with the same amount, note and reference get the same id: old deposits had no
 * identity of their own beyond their content and position, and this keeps the upcaster pure.
 */
export function depositTransactionId(previous: DepositedV2Content): string {
  const name = JSON.stringify(['Bank.Account.Deposited', 2, previous.amount.toString(), previous.note ?? null, previous.reference]);
  return nameBasedUuid(name);
}

/** Namespace of the Bank domain's derived ids (a fixed random UUID). */
const BANK_NAMESPACE = Buffer.from('3f1c6e2a9b7d4c58a0e2d6b4f8c91a37', 'hex');

/** RFC 9562 version-5 UUID of `name` in `BANK_NAMESPACE`. */
function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(BANK_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
