/**
 * What an event's `apply` means, and what is wrong with it. Shared by the apply rule (which
 * reports the diagnostics) and the IR builder (which runs only when there are none).
 */
import type { Diagnostic } from '../diagnostics.js';
import { closestName, didYouMean } from '../did-you-mean.js';
import type { RawApplyOp, RawEvent, RawField } from '../load/raw-model.js';
import { errorAt, warningAt } from '../load/source-doc.js';
import { checkValue } from './check-value.js';
import type { ApplyDef, ApplyOpDef, ApplySourceDef, TypeRef } from './model.js';
import { formatType, isNumeric, resolveFieldType, sameType, type TypeTable } from './resolve-types.js';

/** A field whose type resolved. */
export interface ResolvedFieldInfo {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional: boolean;
  readonly raw: RawField;
}

/** The fields of a payload whose types resolve, by name (unresolvable ones are reported elsewhere). */
export function resolveFields(fields: readonly RawField[], table: TypeTable): Map<string, ResolvedFieldInfo> {
  const result = new Map<string, ResolvedFieldInfo>();
  for (const raw of fields) {
    const resolved = resolveFieldType(raw, table);
    if (resolved.ok && !result.has(raw.name.value)) {
      result.set(raw.name.value, { name: raw.name.value, type: resolved.type, optional: resolved.optional, raw });
    }
  }
  return result;
}

export interface ApplyContext {
  readonly file: string;
  /** `Account.Opened`, for messages. */
  readonly eventLabel: string;
  readonly event: RawEvent;
  readonly eventFields: ReadonlyMap<string, ResolvedFieldInfo>;
  readonly stateFields: ReadonlyMap<string, ResolvedFieldInfo>;
  readonly table: TypeTable;
}

/** Whether a value of the event field can be assigned to the state field as is. */
export function assignable(eventField: ResolvedFieldInfo, stateField: ResolvedFieldInfo): boolean {
  return sameType(eventField.type, stateField.type) && (stateField.optional || !eventField.optional);
}

/** The resolved apply of an event plus the problems found on the way. */
export function resolveApply(ctx: ApplyContext): { apply: ApplyDef; diagnostics: Diagnostic[] } {
  const raw = ctx.event.apply;
  if (raw === undefined) return defaultApply(ctx);
  if (raw.kind === 'custom') return { apply: { kind: 'custom' }, diagnostics: [] };
  if (raw.kind === 'none') return { apply: { kind: 'none' }, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const ops: ApplyOpDef[] = [];
  const targeted = new Set<string>();
  for (const op of raw.ops) {
    const stateName = op.stateField.value;
    if (targeted.has(stateName)) {
      diagnostics.push(
        errorAt(ctx.file, op.stateField.range, 'EF508', `apply of event ${ctx.eventLabel} changes state field "${stateName}" twice`, 'change each state field with one operation; use `apply: custom` for anything more involved'),
      );
      continue;
    }
    targeted.add(stateName);
    const resolved = resolveOp(ctx, op, diagnostics);
    if (resolved !== undefined) ops.push(resolved);
  }
  return { apply: { kind: 'declarative', ops }, diagnostics };
}

/**
 * Omitted `apply`: assign same-named fields if all of them fit, else an abstract handler. When
 * every field has a same-named state field but one does not fit, the handler is probably a
 * surprise: EF511 (a warning) says why, and `apply: custom` confirms it.
 */
function defaultApply(ctx: ApplyContext): { apply: ApplyDef; diagnostics: Diagnostic[] } {
  const custom: ApplyDef = { kind: 'custom' };
  const fields = [...ctx.eventFields.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (ctx.event.payload.fields.length === 0 || fields.length !== ctx.event.payload.fields.length) return { apply: custom, diagnostics: [] };
  if (fields.some((f) => !ctx.stateFields.has(f.name))) return { apply: custom, diagnostics: [] };
  const misfit = fields.find((f) => !assignable(f, ctx.stateFields.get(f.name) as ResolvedFieldInfo));
  if (misfit !== undefined) {
    const state = ctx.stateFields.get(misfit.name) as ResolvedFieldInfo;
    const message = `event ${ctx.eventLabel} gets an abstract handler, not an assignment of its fields: field "${misfit.name}" is ${formatType(misfit.type, misfit.optional)} but state field "${misfit.name}" is ${formatType(state.type, state.optional)}`;
    return { apply: custom, diagnostics: [warningAt(ctx.file, misfit.raw.name.range, 'EF511', message, 'make the types agree to have it assigned, or write `apply: custom` to implement the handler by hand')] };
  }
  return {
    apply: { kind: 'declarative', ops: fields.map((f) => ({ kind: 'assign', stateField: f.name, source: { kind: 'eventField', field: f.name } })) },
    diagnostics: [],
  };
}

function resolveOp(ctx: ApplyContext, op: RawApplyOp, diagnostics: Diagnostic[]): ApplyOpDef | undefined {
  const stateName = op.stateField.value;
  const verb = op.verb;
  const state = ctx.stateFields.get(stateName);
  if (state === undefined) {
    const hint = didYouMean(stateName, ctx.stateFields.keys()) ?? `the state has ${listNames(ctx.stateFields.keys())}; declare "${stateName}" under state.fields or fix the name`;
    diagnostics.push(errorAt(ctx.file, op.stateField.range, 'EF501', `\`${verb}\` in event ${ctx.eventLabel} names state field "${stateName}", which the state does not have`, hint));
    return undefined;
  }
  const written = op.source.value;
  const eventField = typeof written === 'string' && !op.quoted ? ctx.eventFields.get(written) : undefined;
  const source: ApplySourceDef = eventField !== undefined ? { kind: 'eventField', field: eventField.name } : { kind: 'constant', value: written };
  const kind = verb === 'set' ? 'assign' : verb;
  const problem = (code: string, message: string, hint?: string): undefined => {
    diagnostics.push(errorAt(ctx.file, op.source.range, code, message, hint));
    return undefined;
  };
  const sourceText = eventField !== undefined ? `event field "${eventField.name}" (${formatType(eventField.type, eventField.optional)})` : `constant ${JSON.stringify(written)}`;
  const typoHint = (): string | undefined => {
    if (typeof written !== 'string' || op.quoted) return undefined;
    const near = closestName(written, ctx.eventFields.keys());
    return near === undefined ? undefined : `"${written}" is not a field of ${ctx.eventLabel}; did you mean event field "${near}"?`;
  };

  // What the value written must be: the state field itself, or its elements for push/remove.
  let target: { type: TypeRef; optional: boolean; label: string };
  if (kind === 'push' || kind === 'remove') {
    if (state.type.kind !== 'list' || state.optional) {
      return problem('EF504', `\`${verb}\` in event ${ctx.eventLabel} needs a list state field, but "${stateName}" is ${formatType(state.type, state.optional)}`, state.type.kind === 'list' ? 'make the state field a required list (lists start empty): drop the `?`' : `declare "${stateName}" as a list, e.g. \`${formatType(state.type)}[]\`, or use \`assign\``);
    }
    target = { type: state.type.element, optional: false, label: `an element of "${stateName}" (${formatType(state.type.element)})` };
  } else if (kind === 'increment' || kind === 'decrement') {
    if (!isNumeric(state.type) || state.optional) {
      return problem('EF505', `\`${verb}\` in event ${ctx.eventLabel} needs a required numeric state field, but "${stateName}" is ${formatType(state.type, state.optional)}`, 'increment and decrement work on int, float, decimal and bigint fields that are not optional; give the field a default (e.g. `default: 0`)');
    }
    target = { type: state.type, optional: false, label: `"${stateName}" (${formatType(state.type)})` };
  } else {
    target = { type: state.type, optional: state.optional, label: `state field "${stateName}" (${formatType(state.type, state.optional)})` };
  }

  if (eventField !== undefined) {
    const fits = sameType(eventField.type, target.type) && (target.optional || !eventField.optional);
    if (!fits) {
      const code = kind === 'push' || kind === 'remove' ? 'EF504' : kind === 'assign' ? 'EF503' : 'EF505';
      const literalFits = target.type.kind === 'enum' && checkValue(written, target.type, {}, ctx.table) === undefined;
      const hint = literalFits
        ? `a bare name is the event field of that name; to mean the enum value, quote it: \`"${String(written)}"\``
        : sameType(eventField.type, target.type)
          ? `the event field may be absent: make it required, or make the state field optional`
          : `make the types agree, or use \`apply: custom\` and convert in the handler`;
      return problem(code, `\`${verb}\` in event ${ctx.eventLabel} puts ${sourceText} into ${target.label}`, hint);
    }
  } else {
    const valueProblem = checkValue(written, target.type, kind === 'assign' ? state.raw.constraints : {}, ctx.table);
    if (valueProblem !== undefined) {
      return problem('EF506', `\`${verb}\` in event ${ctx.eventLabel}: ${sourceText} does not fit ${target.label}: ${valueProblem.message}`, typoHint() ?? 'a value that is not the name of an event field is a constant; it must fit the state field');
    }
    // A value of the target's enum is what the author meant; only other strings may be typos.
    const typo = target.type.kind === 'enum' ? undefined : typoHint();
    if (typo !== undefined && typeof written === 'string') {
      diagnostics.push(warningAt(ctx.file, op.source.range, 'EF509', `\`${verb}\` in event ${ctx.eventLabel} sets "${stateName}" to the constant ${JSON.stringify(written)}`, `${typo} If the constant is meant, quote it: \`"${written}"\``));
    }
  }
  return { kind, stateField: stateName, source };
}

function listNames(names: Iterable<string>): string {
  const list = [...names].map((n) => `"${n}"`);
  return list.length === 0 ? 'no fields' : `fields ${list.join(', ')}`;
}
