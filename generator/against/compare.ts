/**
 * `check --against`: compares the current schemas with an earlier revision and reports every
 * change that would leave stored data unreadable or silently re-interpreted — the
 * `buf breaking` of event schemas. Pure: two IRs in, diagnostics out.
 *
 * Released = every version that exists in the earlier revision (1..its current version), for
 * events and for aggregate state (snapshots). Released versions are immutable; value objects
 * and enums, which have no versions, may only change compatibly while stored data uses them.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { typeText, widenProblem } from '../ir/derive-upcast.js';
import type {
  AggregateDef,
  DomainDef,
  EnumDef,
  FieldDef,
  PayloadVersionDef,
  ProjectDef,
  SourceSpan,
  TypeRef,
  ValueObjectDef,
} from '../ir/model.js';

/** Diagnostic codes of `check --against` (documented in docs/errors.md). */
export const AgainstCodes = {
  domainRemoved: 'EF340',
  domainRenamed: 'EF341',
  aggregateRemoved: 'EF342',
  eventRemoved: 'EF343',
  versionDeleted: 'EF344',
  editedInPlace: 'EF345',
  enumValueRemoved: 'EF346',
  valueObjectBroken: 'EF347',
  unreadableRevision: 'EF349',
} as const;

/** The earlier revision, for messages: `HEAD~1`, `old/bank.domain.yaml`. */
export interface CompareOptions {
  readonly revisionLabel: string;
}

export function compareRevisions(previous: ProjectDef, current: ProjectDef, options: CompareOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const label = options.revisionLabel;
  const currentByName = new Map(current.domains.map((d) => [d.name, d] as const));
  const previousNames = new Set(previous.domains.map((d) => d.name));
  const unmatchedBefore = previous.domains.filter((d) => !currentByName.has(d.name));
  const unmatchedAfter = current.domains.filter((d) => !previousNames.has(d.name));
  for (const before of previous.domains) {
    const after = currentByName.get(before.name);
    if (after !== undefined) {
      compareDomain(before, after, label, out);
      continue;
    }
    // A rename: the same file under a new name, or the only domain gone and the only one new.
    const renamed =
      unmatchedAfter.find((d) => posix.basename(d.sourcePath) === posix.basename(before.sourcePath)) ??
      (unmatchedBefore.length === 1 && unmatchedAfter.length === 1 ? unmatchedAfter[0] : undefined);
    if (renamed !== undefined) {
      out.push(error(AgainstCodes.domainRenamed, renamed.span, renamed.name.length,
        `domain ${before.name} (in ${label}) is now named ${renamed.name}: the topics of its stored events change from ${before.name}.* to ${renamed.name}.*, so they could no longer be read`,
        `keep \`domain: ${before.name}\``));
    } else if (before.aggregates.length > 0) {
      out.push(error(AgainstCodes.domainRemoved, atRevision(before.span, label), 0,
        `domain ${before.name} of ${label} is gone, but events of its aggregates (${before.aggregates.map((a) => a.name).join(', ')}) may be stored`,
        `restore ${before.sourcePath}; a domain whose data is stored cannot be removed`));
    }
  }
  return out;
}

function compareDomain(before: DomainDef, after: DomainDef, label: string, out: Diagnostic[]): void {
  const aggregates = new Map(after.aggregates.map((a) => [a.name, a] as const));
  for (const old of before.aggregates) {
    const now = aggregates.get(old.name);
    if (now === undefined) {
      out.push(error(AgainstCodes.aggregateRemoved, after.span, after.name.length,
        `aggregate ${old.name} (topic ${old.topic}) of ${label} is gone, but its events and snapshots may be stored`,
        renameHint(old.name, before.aggregates.map((a) => a.name), after.aggregates.map((a) => a.name), 'aggregate')));
      continue;
    }
    compareAggregate(old, now, label, out);
  }
  compareSharedTypes(before, after, label, out);
}

function compareAggregate(before: AggregateDef, after: AggregateDef, label: string, out: Diagnostic[]): void {
  comparePayload(`state of ${after.name}`, before.state.versions, after.state.versions, after.state.span, label, out);
  const events = new Map(after.events.map((e) => [e.name, e] as const));
  for (const old of before.events) {
    const now = events.get(old.name);
    if (now === undefined) {
      out.push(error(AgainstCodes.eventRemoved, after.span, after.name.length,
        `event ${before.name}.${old.name} (topic ${old.topic}) of ${label} is gone, but events of it may be stored`,
        renameHint(old.name, before.events.map((e) => e.name), after.events.map((e) => e.name), 'event')));
      continue;
    }
    comparePayload(`event ${after.name}.${now.name}`, old.versions, now.versions, now.span, label, out);
  }
}

function comparePayload(
  payload: string,
  before: readonly PayloadVersionDef[],
  after: readonly PayloadVersionDef[],
  span: SourceSpan,
  label: string,
  out: Diagnostic[],
): void {
  const released = before.length;
  if (after.length < released) {
    out.push(error(AgainstCodes.versionDeleted, span, 0,
      `${payload} is at version ${after.length}, but ${label} released version ${released}: data stored at ${after.length + 1 === released ? `version ${released}` : `versions ${after.length + 1}..${released}`} could not be read`,
      `restore \`version: ${released}\` and its history; to change the payload again, add version ${released + 1}`));
  }
  for (const old of before) {
    const now = after.find((v) => v.version === old.version);
    if (now !== undefined) compareVersion(payload, old, now, now.version === after.length, label, out);
  }
}

function compareVersion(
  payload: string,
  before: PayloadVersionDef,
  after: PayloadVersionDef,
  isCurrent: boolean,
  label: string,
  out: Diagnostic[],
): void {
  const k = before.version;
  const hint = isCurrent
    ? `version ${k} is released: restore it, and put the change in version ${k + 1} (\`version: ${k + 1}\`, with version ${k}'s fields under \`history: { ${k}: { fields: … } }\`)`
    : `version ${k} is released: restore its fields under history ${k}, and put the change in a new version`;
  const now = new Map(after.fields.map((f) => [f.name, f] as const));
  for (const old of before.fields) {
    const field = now.get(old.name);
    if (field === undefined) {
      out.push(error(AgainstCodes.editedInPlace, after.span, 0,
        `${payload} v${k} was released with field "${old.name}" (${fieldText(old)}) in ${label}, and it has been removed in place`, hint));
      continue;
    }
    const change = fieldChange(old, field);
    if (change !== undefined) {
      out.push(error(AgainstCodes.editedInPlace, field.span, field.name.length,
        `${payload} v${k} was released, and field "${field.name}" was edited in place: ${change}`, hint));
    }
  }
  const old = new Set(before.fields.map((f) => f.name));
  for (const field of after.fields) {
    if (!old.has(field.name)) {
      out.push(error(AgainstCodes.editedInPlace, field.span, field.name.length,
        `${payload} v${k} was released without field "${field.name}" in ${label}; adding it in place changes a released version`, hint));
    }
  }
}

/** What changed in a field of a released version; undefined when nothing that reading depends on. */
function fieldChange(before: FieldDef, after: FieldDef): string | undefined {
  if (fieldText(before) !== fieldText(after)) return `${fieldText(before)} became ${fieldText(after)}`;
  if (JSON.stringify(before.default) !== JSON.stringify(after.default)) {
    return `its default changed from ${JSON.stringify(before.default) ?? 'none'} to ${JSON.stringify(after.default) ?? 'none'}`;
  }
  if (before.pii !== after.pii) return after.pii ? 'it became pii' : 'it is no longer pii';
  return undefined;
}

/** Enums lose no value, and value objects change only compatibly, while stored data uses them. */
function compareSharedTypes(before: DomainDef, after: DomainDef, label: string, out: Diagnostic[]): void {
  const used = usedTypeNames(before);
  const enumsAfter = new Map(after.enums.map((e) => [e.name, e] as const));
  const enumsBefore = new Map(before.enums.map((e) => [e.name, e] as const));
  for (const old of before.enums) {
    const now = enumsAfter.get(old.name);
    if (now === undefined || !used.has(old.name)) continue;
    const removed = old.values.filter((v) => !now.values.includes(v));
    if (removed.length > 0) {
      out.push(error(AgainstCodes.enumValueRemoved, now.span, now.name.length,
        `enum ${now.name} lost ${removed.map((v) => `"${v}"`).join(', ')}, which stored data of ${label} may hold`,
        `restore ${removed.length === 1 ? 'the value' : 'the values'}; to stop using ${removed.length === 1 ? 'it' : 'them'}, add a new version of the payloads with an upcaster that maps ${removed.length === 1 ? 'it' : 'them'} to other values, and a new enum type`));
    }
  }
  const valueObjectsAfter = new Map(after.valueObjects.map((v) => [v.name, v] as const));
  for (const old of before.valueObjects) {
    const now = valueObjectsAfter.get(old.name);
    if (now === undefined || !used.has(old.name)) continue;
    for (const problem of valueObjectProblems(old, now, enumsBefore, enumsAfter)) {
      out.push(error(AgainstCodes.valueObjectBroken, problem.span, problem.length,
        `value object ${now.name} is used by data stored under ${label}, and ${problem.message}`,
        `value objects have no versions: declare a new type (e.g. ${now.name}2) and a new version of the payloads that use it, with an upcaster`));
    }
  }
}

interface Problem {
  readonly span: SourceSpan;
  readonly length: number;
  readonly message: string;
}

/** Changes to a value object that old stored values would not survive. */
function valueObjectProblems(
  before: ValueObjectDef,
  after: ValueObjectDef,
  enumsBefore: ReadonlyMap<string, EnumDef>,
  enumsAfter: ReadonlyMap<string, EnumDef>,
): Problem[] {
  const problems: Problem[] = [];
  const now = new Map(after.fields.map((f) => [f.name, f] as const));
  const allEnums = new Map([...enumsBefore, ...enumsAfter]);
  for (const old of before.fields) {
    const field = now.get(old.name);
    if (field === undefined) {
      problems.push({ span: after.span, length: after.name.length, message: `its field "${old.name}" was removed` });
      continue;
    }
    const problem = widenProblem(old, field, allEnums);
    if (problem !== undefined) problems.push({ span: field.span, length: field.name.length, message: `field "${field.name}" ${problem}` });
  }
  const old = new Set(before.fields.map((f) => f.name));
  for (const field of after.fields) {
    const fillable = field.optional || field.default !== undefined || field.type.kind === 'list' || field.type.kind === 'map';
    if (!old.has(field.name) && !fillable) {
      problems.push({ span: field.span, length: field.name.length,
        message: `its new field "${field.name}" is required without a default, so stored values lack it` });
    }
  }
  return problems;
}

/** Enum and value object names reachable from any version of any payload of the domain. */
function usedTypeNames(domain: DomainDef): Set<string> {
  const valueObjects = new Map(domain.valueObjects.map((v) => [v.name, v] as const));
  const used = new Set<string>();
  const visit = (type: TypeRef): void => {
    if (type.kind === 'list') visit(type.element);
    else if (type.kind === 'map') visit(type.value);
    else if (type.kind === 'enum') used.add(type.name);
    else if (type.kind === 'valueObject' && !used.has(type.name)) {
      used.add(type.name);
      for (const f of valueObjects.get(type.name)?.fields ?? []) visit(f.type);
    }
  };
  for (const aggregate of domain.aggregates) {
    const versions = [...aggregate.state.versions, ...aggregate.events.flatMap((e) => e.versions)];
    for (const version of versions) for (const field of version.fields) visit(field.type);
  }
  return used;
}

function renameHint(name: string, before: readonly string[], after: readonly string[], what: string): string {
  const added = after.filter((n) => !before.includes(n));
  const renamed = added.length === 1 ? ` If it was renamed to ${added[0]}, keep the name ${name}: the name is part of the stored topic.` : '';
  return `restore ${what} ${name}; stored data names it.${renamed}`;
}

function fieldText(field: FieldDef): string {
  return typeText(field.type) + (field.optional ? '?' : '');
}

/** A span of the earlier revision: its file is labelled with the revision. */
function atRevision(span: SourceSpan, label: string): SourceSpan {
  return label === span.file ? span : { ...span, file: `${label}:${span.file}` };
}

function error(code: string, span: SourceSpan, length: number, message: string, hint: string): Diagnostic {
  return {
    code,
    severity: 'error',
    message,
    file: span.file,
    span: {
      start: { line: span.line, column: span.column, offset: span.offset },
      end: { line: span.line, column: span.column + length, offset: span.offset + length },
    },
    hint,
  };
}
