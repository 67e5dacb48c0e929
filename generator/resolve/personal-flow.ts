/**
 * Where personal data flows: the state fields an `apply` fills from personal event fields, and
 * the view columns an operation fills from them. They hold personal data whatever they are
 * marked, so they are encrypted and redacted like personal fields (docs/language.md,
 * "Personal data"; docs/views.md, "Personal data in views").
 */
import type { RawAggregate, RawDomain, RawEvent, RawField, RawView } from '../load/raw-model.js';
import { applyOf, type ResolvedDomain } from './resolve-domain.js';
import { resolveFieldType, type TypeTable } from './resolve-types.js';
import { findViewEvent } from './view-events.js';

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

/** Whether a field holds personal data: marked `pii`, or holding value objects (one, a list or a map) with personal fields. */
export function holdsPersonalData(field: RawField, table: TypeTable, seen: ReadonlySet<string> = new Set()): boolean {
  if (field.pii) return true;
  const resolved = resolveFieldType(field, table);
  if (!resolved.ok) return false;
  const type = resolved.type;
  const element = type.kind === 'list' ? type.element : type.kind === 'map' ? type.value : type;
  if (element.kind !== 'valueObject' || seen.has(element.name)) return false;
  const inner = new Set([...seen, element.name]);
  return (table.valueObjects.get(element.name)?.fields ?? []).some((f) => holdsPersonalData(f, table, inner));
}

/**
 * Whether the event field at a dotted path holds personal data: a field on the way is `pii`
 * (`address.street` is personal when `address` is, or when `street` of its value object is).
 */
export function personalPath(event: RawEvent, path: string, table: TypeTable): boolean {
  let fields: readonly RawField[] = event.payload.fields;
  for (const name of path.split('.')) {
    const field = fields.find((f) => f.name.value === name);
    if (field === undefined) return false;
    if (field.pii) return true;
    const resolved = resolveFieldType(field, table);
    if (!resolved.ok || resolved.type.kind !== 'valueObject') return false;
    fields = table.valueObjects.get(resolved.type.name)?.fields ?? [];
  }
  return false;
}

/** View column name → the personal event fields (`Aggregate.Event.path`) its declarative operations write into it. */
export function viewPersonalInflows(raw: RawDomain, view: RawView, table: TypeTable): Map<string, string[]> {
  const inflows = new Map<string, string[]>();
  for (const entry of view.on) {
    const found = findViewEvent(raw, entry.event);
    if (found === undefined || entry.handler.kind !== 'ops') continue;
    for (const op of entry.handler.ops)
      for (const { column, value } of op.assignments) {
        if (value.kind !== 'field' || !personalPath(found.event, value.path.value, table)) continue;
        const source = `${found.aggregate.name.value}.${found.event.name.value}.${value.path.value}`;
        const sources = inflows.get(column.value) ?? [];
        if (!sources.includes(source)) inflows.set(column.value, [...sources, source]);
      }
  }
  return inflows;
}
