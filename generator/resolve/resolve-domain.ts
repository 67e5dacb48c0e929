/**
 * The resolve stage: a read domain → the same domain with every field's type and every event's
 * `apply` resolved once, plus the apply problems found on the way (EF501–EF511, EF520–EF525).
 * The semantic rules and the IR builder read the result; neither resolves again.
 */
import { InternalError, type Diagnostic } from '../diagnostics.js';
import type { RawDomain, RawEvent } from '../load/raw-model.js';
import { resolveFields, unresolvedNames } from './apply-source.js';
import { resolveApply, type ResolvedApply } from './resolve-apply.js';
import { typeTable, type TypeTable } from './resolve-types.js';
import { resolveViews } from './resolve-views.js';
import type { ViewDef } from '../ir/model.js';

export interface ResolvedDomain {
  readonly raw: RawDomain;
  /** The declared types by name, and each field's resolved type. */
  readonly table: TypeTable;
  /** Each event's resolved apply. */
  readonly applies: ReadonlyMap<RawEvent, ResolvedApply>;
  /** The views that resolved without a problem. */
  readonly views: readonly ViewDef[];
}

export function resolveDomain(raw: RawDomain): { domain: ResolvedDomain; diagnostics: Diagnostic[] } {
  const table = typeTable(raw);
  const applies = new Map<RawEvent, ResolvedApply>();
  const diagnostics: Diagnostic[] = [];
  for (const aggregate of raw.aggregates) {
    const stateFields = resolveFields(aggregate.state.fields, table);
    const unresolvedStateFields = unresolvedNames(aggregate.state.fields, stateFields);
    for (const event of aggregate.events) {
      const eventFields = resolveFields(event.payload.fields, table);
      const resolved = resolveApply({
        file: raw.file,
        eventLabel: `${aggregate.name.value}.${event.name.value}`,
        event,
        eventFields,
        stateFields,
        unresolvedEventFields: unresolvedNames(event.payload.fields, eventFields),
        unresolvedStateFields,
        table,
      });
      applies.set(event, resolved);
      diagnostics.push(...resolved.diagnostics);
    }
  }
  const views = resolveViews(raw, table);
  diagnostics.push(...views.diagnostics);
  return { domain: { raw, table, applies, views: views.views }, diagnostics };
}

/** The resolved apply of one of the domain's events. */
export function applyOf(domain: ResolvedDomain, event: RawEvent): ResolvedApply {
  const resolved = domain.applies.get(event);
  if (resolved === undefined)
    throw new InternalError(`event "${event.name.value}" is not an event of ${domain.raw.file}`);
  return resolved;
}
