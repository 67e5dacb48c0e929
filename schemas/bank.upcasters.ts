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
import { hash } from 'node:crypto';

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
 *
 * Once released, this function's output is part of the stored data's meaning: never change it.
 */
export function depositTransactionId(previous: DepositedV2Content): string {
  // Length-prefixed, so no choice of note or reference can make two payloads read the same.
  const note = previous.note === undefined ? '-' : `${previous.note.length}:${previous.note}`;
  const name = `Bank.Account.Deposited v2|${previous.amount.toString()}|${note}|${previous.reference.length}:${previous.reference}`;
  return nameBasedUuid(name);
}

/** Prefix of every name hashed into a Bank id, so ids derived by other code cannot collide. */
const BANK_NAMESPACE = 'eventforge:3f1c6e2a-9b7d-4c58-a0e2-d6b4f8c91a37';

/**
 * A SHA-1 name-based UUID in the version 5 layout (RFC 9562) of `name`, prefixed by the
 * namespace as text (rather than its bytes: one string hash, no buffers, because this runs on
 * every read of an old deposit).
 */
function nameBasedUuid(name: string): string {
  const hex = hash('sha1', `${BANK_NAMESPACE}|${name}`, 'hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
