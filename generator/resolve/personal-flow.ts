/**
 * Where personal data flows in an aggregate: the state fields an `apply` fills from personal
 * event fields. They hold personal data whatever they are marked, so they are encrypted and
 * redacted like personal fields (docs/language.md, "Personal data").
 */
import type { RawAggregate } from '../load/raw-model.js';
import { applyOf, type ResolvedDomain } from './resolve-domain.js';

/** State field name → the personal event fields (`Event.field`) applied to it. */
export function personalInflows(resolved: ResolvedDomain, aggregate: RawAggregate): Map<string, string[]> {
  const inflows = new Map<string, string[]>();
  for (const event of aggregate.events) {
    const { apply } = applyOf(resolved, event);
    if (apply.kind !== 'declarative') continue;
    const personal = new Set(event.payload.fields.filter((f) => f.pii).map((f) => f.name.value));
    for (const op of apply.ops) {
      if (op.kind === 'removeAt' || op.source.kind !== 'eventField' || !personal.has(op.source.field)) continue;
      inflows.set(op.stateField, [...(inflows.get(op.stateField) ?? []), `${event.name.value}.${op.source.field}`]);
    }
  }
  return inflows;
}
