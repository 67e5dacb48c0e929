/**
 * Pieces every generated apply expression is made of: the value an op reads (an event field or
 * a constant), exact arithmetic, and the runtime helpers the aggregate file must import.
 */
import type { ApplySourceDef, TypeRef } from '../../ir/model.js';
import type { DomainScope, LiteralNeeds } from './type-text.js';
import { literal } from './type-text.js';

/** What the aggregate file must import for the applies it prints. */
export interface ApplyNeeds extends LiteralNeeds {
  mutable: boolean;
  removeFirst: boolean;
  outOfOrder: boolean;
  /** Exact decimal arithmetic (decimal.js rounds to 20 significant digits by default). */
  addDecimal: boolean;
  subtractDecimal: boolean;
  /** Runtime helpers of keyed operations (`upsertByKey`, `updateEntry`, …). */
  keyed: Set<string>;
  /** Runtime helpers of in-place applies (`pushInPlace`, …). */
  inPlace: Set<string>;
}

/** `event.data.<field>`, or the constant as a literal of the target type. */
export function sourceExpr(source: ApplySourceDef, target: TypeRef, scope: DomainScope, needs: ApplyNeeds): string {
  return source.kind === 'eventField' ? `event.data.${source.field}` : literal(target, source.value, scope, needs);
}

/** `current ± amount` for a numeric type; decimals exactly. */
export function arithmetic(
  kind: 'add' | 'subtract',
  type: TypeRef,
  current: string,
  amount: string,
  needs: ApplyNeeds,
): string {
  if (type.kind === 'scalar' && type.scalar === 'decimal') {
    const helper = kind === 'add' ? 'addDecimal' : 'subtractDecimal';
    needs[helper] = true;
    return `${helper}(${current}, ${amount})`;
  }
  return `${current} ${kind === 'add' ? '+' : '-'} ${amount}`;
}
