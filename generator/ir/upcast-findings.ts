/**
 * The upcast derivation's findings (EF32x) while the IR cannot be built because of errors
 * elsewhere: derived for every aggregate that has no error of its own, so a versioning
 * mistake is seen in the same run as a typo in another aggregate.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RawAggregate, RawDomain, RawPayload } from '../load/raw-model.js';
import { buildEnum } from './build-ir.js';
import { buildPayload } from './build-payload.js';
import { resolveFieldType, typeTable, type TypeTable } from './resolve-types.js';

export function upcastFindings(domain: RawDomain, errors: readonly Diagnostic[]): Diagnostic[] {
  const table = typeTable(domain);
  const enums = new Map([...table.enums.values()].map((decl) => [decl.name.value, buildEnum(domain.file, decl)] as const));
  const findings: Diagnostic[] = [];
  const starts = domain.aggregates.map((a) => a.name.range.start.offset).sort((a, b) => a - b);
  for (const aggregate of domain.aggregates) {
    if (hasErrorWithin(aggregate, starts, errors.filter((e) => e.file === domain.file))) continue;
    const name = aggregate.name.value;
    const payloads: [string, RawPayload][] = [
      [`state of ${name}`, aggregate.state],
      ...aggregate.events.map((e): [string, RawPayload] => [`event ${name}.${e.name.value}`, e.payload]),
    ];
    for (const [label, payload] of payloads) {
      if (derivable(payload, table)) buildPayload(domain.file, label, payload, table, enums, findings);
    }
  }
  return findings;
}

/** An aggregate's text runs from its name to the next aggregate's name (declarations are contiguous). */
function hasErrorWithin(aggregate: RawAggregate, starts: readonly number[], errors: readonly Diagnostic[]): boolean {
  const start = aggregate.name.range.start.offset;
  const end = starts.find((s) => s > start) ?? Infinity;
  return errors.some((e) => e.span.start.offset >= start && e.span.start.offset < end);
}

/** Every field of every version resolves, and the history holds exactly 1..n-1 (what the derivation assumes). */
function derivable(payload: RawPayload, table: TypeTable): boolean {
  const current = payload.version?.value ?? 1;
  const versions = payload.history.map((h) => h.version.value).sort((a, b) => a - b);
  if (versions.length !== current - 1 || versions.some((v, i) => v !== i + 1)) return false;
  return [payload.fields, ...payload.history.map((h) => h.fields)].every((fields) => fields.every((f) => resolveFieldType(f, table).ok));
}
