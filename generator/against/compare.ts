/**
 * `check --against`: compares the current schemas with an earlier revision and reports every
 * change that would leave stored data unreadable or silently re-interpreted — the
 * `buf breaking` of event schemas. Pure: two IRs in, diagnostics out.
 *
 * Released = every version that exists in the earlier revision (1..its current version), for
 * events and for aggregate state (snapshots). Released versions and the upcast steps between
 * them are immutable; the enums and
 * value objects their fields use, which have no versions, may only change compatibly
 * (shapes.ts), and a released field may move to another enum or value object that reads the
 * same stored data.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { typeText } from '../ir/derive-upcast.js';
import { shapeProblems, typeScope, type TypeScope } from './shapes.js';
import type {
  AggregateDef,
  DomainDef,
  FieldDef,
  PayloadVersionDef,
  ProjectDef,
  SourceSpan,
  UpcastOpDef,
  UpcastStepDef,
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
  stepChanged: 'EF348',
  unreadableRevision: 'EF349',
} as const;

/** The earlier revision, for messages: `HEAD~1`, `old/bank.domain.yaml`. */
export interface CompareOptions {
  readonly revisionLabel: string;
}

/**
 * Every breaking change from `previous` (the released revision) to `current`, as diagnostics
 * placed in the current schemas where the change is (in the earlier revision's file for a
 * domain that is gone). Empty when the evolution is compatible.
 */
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
      out.push(
        error(
          AgainstCodes.domainRenamed,
          renamed.span,
          renamed.name.length,
          `domain ${before.name} (in ${label}) is now named ${renamed.name}: the topics of its stored events change from ${before.name}.* to ${renamed.name}.*, so they could no longer be read`,
          `keep \`domain: ${before.name}\``,
        ),
      );
    } else if (before.aggregates.length > 0) {
      out.push(
        error(
          AgainstCodes.domainRemoved,
          atRevision(before.span, label),
          0,
          `domain ${before.name} of ${label} is gone, but events of its aggregates (${before.aggregates.map((a) => a.name).join(', ')}) may be stored`,
          `restore ${before.sourcePath}; a domain whose data is stored cannot be removed`,
        ),
      );
    }
  }
  return out;
}

function compareDomain(before: DomainDef, after: DomainDef, label: string, out: Diagnostic[]): void {
  const ctx: Context = { label, old: typeScope(before), now: typeScope(after), reported: new Set(), out };
  const aggregates = new Map(after.aggregates.map((a) => [a.name, a] as const));
  for (const old of before.aggregates) {
    const now = aggregates.get(old.name);
    if (now === undefined) {
      out.push(
        error(
          AgainstCodes.aggregateRemoved,
          after.span,
          after.name.length,
          `aggregate ${old.name} (topic ${old.topic}) of ${label} is gone, but its events and snapshots may be stored`,
          renameHint(
            old.name,
            before.aggregates.map((a) => a.name),
            after.aggregates.map((a) => a.name),
            'aggregate',
          ),
        ),
      );
      continue;
    }
    compareAggregate(old, now, ctx);
  }
}

/** What every comparison inside one domain shares. */
interface Context {
  readonly label: string;
  readonly old: TypeScope;
  readonly now: TypeScope;
  /** Keys of shared-type problems already reported (one report per enum or value object problem). */
  readonly reported: Set<string>;
  readonly out: Diagnostic[];
}

function compareAggregate(before: AggregateDef, after: AggregateDef, ctx: Context): void {
  const { label, out } = ctx;
  comparePayload(`state of ${after.name}`, before.state.versions, after.state.versions, after.state.span, ctx);
  const events = new Map(after.events.map((e) => [e.name, e] as const));
  for (const old of before.events) {
    const now = events.get(old.name);
    if (now === undefined) {
      out.push(
        error(
          AgainstCodes.eventRemoved,
          after.span,
          after.name.length,
          `event ${before.name}.${old.name} (topic ${old.topic}) of ${label} is gone, but events of it may be stored`,
          renameHint(
            old.name,
            before.events.map((e) => e.name),
            after.events.map((e) => e.name),
            'event',
          ),
        ),
      );
      continue;
    }
    comparePayload(`event ${after.name}.${now.name}`, old.versions, now.versions, now.span, ctx);
  }
}

function comparePayload(
  payload: string,
  before: readonly PayloadVersionDef[],
  after: readonly PayloadVersionDef[],
  span: SourceSpan,
  ctx: Context,
): void {
  const { label, out } = ctx;
  const released = before.length;
  const current = after[after.length - 1]?.version ?? 0;
  if (current < released) {
    out.push(
      error(
        AgainstCodes.versionDeleted,
        span,
        0,
        `${payload} is at version ${current}, but ${label} released version ${released}: data stored at ${current + 1 === released ? `version ${released}` : `versions ${current + 1}..${released}`} could not be read`,
        `restore \`version: ${released}\` and its history; to change the payload again, add version ${released + 1}`,
      ),
    );
  }
  const edited = new Set<number>();
  for (const old of before) {
    const now = after.find((v) => v.version === old.version);
    if (now === undefined) {
      edited.add(old.version);
      if (old.version < current) {
        out.push(
          error(
            AgainstCodes.versionDeleted,
            span,
            0,
            `${payload} was released at version ${old.version} in ${label}, and the history no longer declares it: data stored at version ${old.version} could not be read`,
            `restore version ${old.version}'s fields under \`history: { ${old.version}: { fields: … } }\``,
          ),
        );
      }
      continue;
    }
    const reported = out.length;
    compareVersion(payload, old, now, now.version === after.length, ctx);
    if (out.length > reported) edited.add(old.version);
  }
  // The step out of a version is released once the version after it is: old data was read
  // through it. A step between edited versions changes with them, which is already reported.
  for (const old of before) {
    const now = after.find((v) => v.version === old.version);
    if (old.upcast === undefined || now === undefined || edited.has(old.version) || edited.has(old.version + 1))
      continue;
    compareStep(payload, old.upcast, now.upcast, now.span, ctx);
  }
}

/**
 * A released upcast step decides what data stored at its version reads as; a changed step
 * would silently give old data another meaning, so it is refused like an edited version.
 */
function compareStep(
  payload: string,
  before: UpcastStepDef,
  after: UpcastStepDef | undefined,
  span: SourceSpan,
  ctx: Context,
): void {
  const was = new Map(before.ops.map((op) => [op.field, opText(op)] as const));
  const now = new Map((after?.ops ?? []).map((op) => [op.field, opText(op)] as const));
  const changes: string[] = [];
  for (const [field, text] of was) {
    const next = now.get(field);
    if (next !== text) changes.push(`"${field}": ${text} became ${next ?? 'nothing'}`);
  }
  for (const [field, text] of now) if (!was.has(field)) changes.push(`"${field}": nothing became ${text}`);
  if (changes.length === 0) return;
  const k = before.from;
  ctx.out.push(
    error(
      AgainstCodes.stepChanged,
      span,
      0,
      `${payload} v${k}→v${before.to} was released in ${ctx.label}, and its upcast changed: ${changes.join('; ')}; data stored at version ${k} would read differently than before`,
      `restore \`upcast\` under history ${k} as it was; to read old data differently, add a new version whose upcast step says how`,
    ),
  );
}

function opText(op: UpcastOpDef): string {
  switch (op.kind) {
    case 'keep':
      return 'kept';
    case 'add':
      return op.default === undefined ? 'added absent' : `added as ${JSON.stringify(op.default)}`;
    case 'drop':
      return 'dropped';
    case 'rename':
      return `renamed from "${op.from}"`;
    case 'custom':
      return `computed by ${op.functionName}`;
  }
}

function compareVersion(
  payload: string,
  before: PayloadVersionDef,
  after: PayloadVersionDef,
  isCurrent: boolean,
  ctx: Context,
): void {
  const { label, out } = ctx;
  const k = before.version;
  const hint = isCurrent
    ? `version ${k} is released: restore it, and put the change in version ${k + 1} (\`version: ${k + 1}\`, with version ${k}'s fields under \`history: { ${k}: { fields: … } }\`)`
    : `version ${k} is released: restore its fields under history ${k}, and put the change in a new version`;
  const now = new Map(after.fields.map((f) => [f.name, f] as const));
  for (const old of before.fields) {
    const field = now.get(old.name);
    if (field === undefined) {
      out.push(
        error(
          AgainstCodes.editedInPlace,
          after.span,
          0,
          `${payload} v${k} was released with field "${old.name}" (${fieldText(old)}) in ${label}, and it has been removed in place`,
          hint,
        ),
      );
      continue;
    }
    const edited = (change: string): void => {
      out.push(
        error(
          AgainstCodes.editedInPlace,
          field.span,
          field.name.length,
          `${payload} v${k} was released, and field "${field.name}" was edited in place: ${change}`,
          hint,
        ),
      );
    };
    const change = fieldChange(old, field);
    if (change !== undefined) edited(change);
    for (const problem of shapeProblems(old.type, field.type, ctx.old, ctx.now, true)) {
      if (problem.kind === 'edited') {
        if (change === undefined) edited(`${fieldText(old)} became ${fieldText(field)}`);
        continue;
      }
      if (ctx.reported.has(problem.key)) continue;
      ctx.reported.add(problem.key);
      const where = `${payload} v${k} field "${field.name}" (released in ${label})`;
      out.push(
        problem.kind === 'enum'
          ? error(
              AgainstCodes.enumValueRemoved,
              problem.span ?? field.span,
              problem.length,
              `${problem.message}: ${where}`,
              'restore the value; to stop using it, keep the released versions on an enum that still has it (e.g. `StatusV1` in their history fields) and map it away with `using` in a new version',
            )
          : error(
              AgainstCodes.valueObjectBroken,
              problem.span ?? field.span,
              problem.length,
              `${problem.message}: ${where}`,
              problem.hint ??
                'value objects have no versions: declare a new type (e.g. a name ending in V2) and use it in a new version of the payloads, with an upcaster',
            ),
      );
    }
  }
  const old = new Set(before.fields.map((f) => f.name));
  for (const field of after.fields) {
    if (!old.has(field.name)) {
      out.push(
        error(
          AgainstCodes.editedInPlace,
          field.span,
          field.name.length,
          `${payload} v${k} was released without field "${field.name}" in ${label}; adding it in place changes a released version`,
          hint,
        ),
      );
    }
  }
}

/** What changed in a field of a released version; undefined when nothing that reading depends on. */
function fieldChange(before: FieldDef, after: FieldDef): string | undefined {
  if (before.optional !== after.optional) return `${fieldText(before)} became ${fieldText(after)}`;
  if (JSON.stringify(before.default) !== JSON.stringify(after.default)) {
    return `its default changed from ${JSON.stringify(before.default) ?? 'none'} to ${JSON.stringify(after.default) ?? 'none'}`;
  }
  if (before.pii !== after.pii) return after.pii ? 'it became pii' : 'it is no longer pii';
  return undefined;
}

function renameHint(name: string, before: readonly string[], after: readonly string[], what: string): string {
  const added = after.filter((n) => !before.includes(n));
  const renamed =
    added.length === 1
      ? ` If it was renamed to ${added[0]}, keep the name ${name}: the name is part of the stored topic.`
      : '';
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
