/**
 * Exact decimal arithmetic for generated declarative applies. decimal.js rounds every operation
 * to `Decimal.precision` significant digits (20 by default), which would silently lose digits
 * of large balances; these helpers compute with the largest precision decimal.js allows, so a
 * sum or difference of two finite decimals is exact.
 */
import { Decimal } from 'decimal.js';

/** A decimal.js constructor whose additions and subtractions never round. */
const Exact = Decimal.clone({ precision: 1e9 });

/** `a + b`, exactly, as a plain `Decimal`. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  // The Decimal constructor copies a Decimal's digits without rounding.
  return new Decimal(Exact.add(a, b));
}

/** `a - b`, exactly, as a plain `Decimal`. */
export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return new Decimal(Exact.sub(a, b));
}
