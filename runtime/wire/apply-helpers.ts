/**
 * What the generated aggregates' declarative applies and state machines call: value equality
 * (for `remove`) and the error of an event applied out of order.
 */
import { Decimal } from 'decimal.js';
import { EventforgeError } from '../errors.js';

/** Equality of generated values: Decimal by value, Date by instant, bytes by content, objects and lists deeply. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Decimal.isDecimal(a) || Decimal.isDecimal(b)) {
    return Decimal.isDecimal(a) && Decimal.isDecimal(b) && a.eq(b);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }
  const aKeys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The list without its first element equal to `value` (unchanged when none is). */
export function removeFirst<T>(list: readonly T[], value: T): T[] {
  const index = list.findIndex((item) => valuesEqual(item, value));
  if (index < 0) return list.slice();
  return [...list.slice(0, index), ...list.slice(index + 1)];
}

/** A non-creation event reached an aggregate with no state, or a creation event one that has state. */
export function outOfOrder(aggregate: string, event: string, creates: boolean): EventforgeError {
  return new EventforgeError(
    creates
      ? `${aggregate}: creation event ${event} cannot apply to an aggregate that already exists`
      : `${aggregate}: event ${event} cannot apply before the aggregate's creation event`,
  );
}
