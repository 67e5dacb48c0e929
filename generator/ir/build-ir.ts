/**
 * Checked, resolved domains → the IR (ProjectDef). Runs only when the semantic rules found no
 * error, so every name resolves; it still returns the diagnostics of the upcast derivation,
 * which needs resolved fields to judge a change between versions.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RawAggregate, RawEnum, RawEvent } from '../load/raw-model.js';
import { buildFields, byName, spanOf } from './build-field.js';
import { buildPayload } from './build-payload.js';
import { eventSubject } from '../load/payload-subject.js';
import { holdsPersonalData } from '../resolve/personal-flow.js';
import type { AggregateDef, DomainDef, EnumDef, EventDef, ProjectDef, StateDef, ValueObjectDef } from './model.js';
import { applyOf, type ResolvedDomain } from '../resolve/resolve-domain.js';

/** Builds the project from checked domains. */
export function buildProject(domains: readonly ResolvedDomain[]): { project: ProjectDef; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const built = domains.map((domain) => buildDomain(domain, diagnostics)).sort(byName);
  return { project: { kind: 'project', domains: built }, diagnostics };
}

function buildDomain(resolved: ResolvedDomain, diagnostics: Diagnostic[]): DomainDef {
  const { raw, table } = resolved;
  const file = raw.file;
  const enums: EnumDef[] = [];
  const valueObjects: ValueObjectDef[] = [];
  for (const decl of raw.types) {
    const description = decl.description !== undefined ? { description: decl.description } : {};
    if (decl.kind === 'enum') {
      enums.push(buildEnum(file, decl));
    } else {
      valueObjects.push({
        kind: 'valueObject',
        name: decl.name.value,
        fields: buildFields(file, decl.fields, table),
        ...description,
        span: spanOf(file, decl.name.range),
      });
    }
  }
  enums.sort(byName);
  valueObjects.sort(byName);
  const enumMap = new Map(enums.map((e) => [e.name, e] as const));
  const aggregates = raw.aggregates.map((a) => buildAggregate(resolved, a, enumMap, diagnostics)).sort(byName);
  const usesCustomUpcasters = aggregates.some((a) =>
    [a.state.versions, ...a.events.map((e) => e.versions)].some((versions) =>
      versions.some((v) => v.upcast?.ops.some((op) => op.kind === 'custom')),
    ),
  );
  return {
    kind: 'domain',
    name: raw.name.value,
    sourcePath: file,
    ...(usesCustomUpcasters && raw.upcasters !== undefined ? { upcastersModule: raw.upcasters.value } : {}),
    enums,
    valueObjects,
    aggregates,
    views: [...resolved.views].sort(byName),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    span: spanOf(file, raw.name.range),
  };
}

export function buildEnum(file: string, decl: RawEnum): EnumDef {
  const description = decl.description !== undefined ? { description: decl.description } : {};
  return {
    kind: 'enum',
    name: decl.name.value,
    values: decl.values.map((v) => v.value),
    ...description,
    span: spanOf(file, decl.name.range),
  };
}

function buildAggregate(
  resolved: ResolvedDomain,
  raw: RawAggregate,
  enums: ReadonlyMap<string, EnumDef>,
  diagnostics: Diagnostic[],
): AggregateDef {
  const { raw: domain, table } = resolved;
  const file = domain.file;
  const name = raw.name.value;
  const statePayload = buildPayload(file, `state of ${name}`, raw.state, table, enums, diagnostics);
  const state: StateDef = {
    kind: 'state',
    version: statePayload.version,
    fields: statePayload.fields,
    versions: statePayload.versions,
    span: spanOf(file, raw.state.range),
  };
  const events = raw.events.map((event) => buildEvent(resolved, raw, event, enums, diagnostics)).sort(byName);
  return {
    kind: 'aggregate',
    name,
    topic: `${domain.name.value}.${name}`,
    state,
    events,
    ...(raw.snapshotEvery !== undefined ? { snapshot: { every: raw.snapshotEvery.value } } : {}),
    ...(raw.subject !== undefined ? { subject: raw.subject.value } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    span: spanOf(file, raw.name.range),
  };
}

function buildEvent(
  resolved: ResolvedDomain,
  rawAggregate: RawAggregate,
  raw: RawEvent,
  enums: ReadonlyMap<string, EnumDef>,
  diagnostics: Diagnostic[],
): EventDef {
  const { raw: domain, table } = resolved;
  const file = domain.file;
  const aggregate = rawAggregate.name.value;
  const name = raw.name.value;
  // The subject matters only to an event with personal fields; the rules checked it is one of its fields.
  const subject = eventSubject(raw, rawAggregate, (f) => holdsPersonalData(f, table))?.value;
  const payload = buildPayload(file, `event ${aggregate}.${name}`, raw.payload, table, enums, diagnostics);
  const { apply } = applyOf(resolved, raw);
  return {
    kind: 'event',
    name,
    aggregate,
    topic: `${domain.name.value}.${aggregate}.${name}`,
    version: payload.version,
    fields: payload.fields,
    versions: payload.versions,
    creates: raw.creates?.value ?? false,
    discards: raw.discards?.value ?? false,
    apply,
    ...(subject !== undefined ? { subject } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    span: spanOf(file, raw.name.range),
  };
}
