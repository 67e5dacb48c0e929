/**
 * The upcast derivation's findings (EF32x) while the IR cannot be built because of errors
 * elsewhere: derived for every event and state that has no error of its own, so a versioning
 * mistake is seen in the same run as a typo in another event.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RawPayload } from '../load/raw-model.js';
import { buildEnum } from './build-ir.js';
import { buildPayload } from './build-payload.js';
import type { ResolvedDomain } from '../resolve/resolve-domain.js';
import { resolveFieldType, type TypeTable } from '../resolve/resolve-types.js';

export function upcastFindings(resolved: ResolvedDomain, errors: readonly Diagnostic[]): Diagnostic[] {
  const { raw: domain, table } = resolved;
  const enums = new Map(
    [...table.enums.values()].map((decl) => [decl.name.value, buildEnum(domain.file, decl)] as const),
  );
  const errorOffsets = errors.filter((e) => e.file === domain.file).map((e) => e.span.start.offset);
  const aggregateStarts = domain.aggregates.map((a) => a.name.range.start.offset);
  const findings: Diagnostic[] = [];
  for (const aggregate of domain.aggregates) {
    const name = aggregate.name.value;
    const payloads: [string, RawPayload][] = [
      [`state of ${name}`, aggregate.state],
      ...aggregate.events.map((e): [string, RawPayload] => [`event ${name}.${e.name.value}`, e.payload]),
    ];
    const end = nextAfter(aggregate.name.range.start.offset, aggregateStarts);
    const starts = payloads.map(([, payload]) => payload.range.start.offset);
    for (const [label, payload] of payloads) {
      // A payload's text runs from its key to the next payload's key (declarations are contiguous).
      const start = payload.range.start.offset;
      const payloadEnd = Math.min(nextAfter(start, starts), end);
      if (errorOffsets.some((offset) => offset >= start && offset < payloadEnd)) continue;
      if (derivable(payload, table)) buildPayload(domain.file, label, payload, table, enums, findings);
    }
  }
  return findings;
}

function nextAfter(offset: number, offsets: readonly number[]): number {
  return Math.min(Infinity, ...offsets.filter((o) => o > offset));
}

/** Every field of every version resolves, and the history holds exactly 1..n-1 (what the derivation assumes). */
function derivable(payload: RawPayload, table: TypeTable): boolean {
  const current = payload.version?.value ?? 1;
  const versions = payload.history.map((h) => h.version.value).sort((a, b) => a - b);
  if (versions.length !== current - 1 || versions.some((v, i) => v !== i + 1)) return false;
  return [payload.fields, ...payload.history.map((h) => h.fields)].every((fields) =>
    fields.every((f) => resolveFieldType(f, table).ok),
  );
}
