/**
 * What an event's `apply` means, and what is wrong with it. Shared by the apply rule (which
 * reports the diagnostics) and the IR builder (which runs only when there are none).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RawApplyOp } from '../load/raw-model.js';
import { errorAt, warningAt } from '../load/source-doc.js';
import {
  resolveSource,
  stateFieldOf,
  type ApplyContext,
  type ResolvedFieldInfo,
  type SourceTarget,
} from './apply-source.js';
import type { ApplyDef, ApplyOpDef } from '../ir/model.js';
import { resolveKeyedOp } from './resolve-keyed-apply.js';
import { formatType, isNumeric, sameType } from './resolve-types.js';

export { resolveFields, type ApplyContext, type ResolvedFieldInfo } from './apply-source.js';

/** Whether a value of the event field can be assigned to the state field as is. */
export function assignable(eventField: ResolvedFieldInfo, stateField: ResolvedFieldInfo): boolean {
  return sameType(eventField.type, stateField.type) && (stateField.optional || !eventField.optional);
}

/** An event's apply as resolved, the problems found on the way, and whether every operation got a meaning. */
export interface ResolvedApply {
  readonly apply: ApplyDef;
  readonly diagnostics: readonly Diagnostic[];
  /** False when an operation was dropped (reported, or touching a field whose type does not resolve). */
  readonly complete: boolean;
}

/** The resolved apply of an event plus the problems found on the way. */
export function resolveApply(ctx: ApplyContext): ResolvedApply {
  const raw = ctx.event.apply;
  if (raw === undefined) return { ...defaultApply(ctx), complete: true };
  if (raw.kind === 'custom') return { apply: { kind: 'custom' }, diagnostics: [], complete: true };
  if (raw.kind === 'none') return { apply: { kind: 'none' }, diagnostics: [], complete: true };
  const diagnostics: Diagnostic[] = [];
  const ops: ApplyOpDef[] = [];
  const targeted = new Set<string>();
  const firstTime = (stateField: RawApplyOp['stateField']): boolean => {
    if (!targeted.has(stateField.value)) return targeted.add(stateField.value) !== undefined;
    diagnostics.push(
      errorAt(
        ctx.file,
        stateField.range,
        'EF508',
        `apply of event ${ctx.eventLabel} changes state field "${stateField.value}" twice`,
        'change each state field with one operation; use `apply: custom` for anything more involved',
      ),
    );
    return false;
  };
  const resolved = [
    ...raw.ops.map((op) => (firstTime(op.stateField) ? resolveOp(ctx, op, diagnostics) : undefined)),
    ...raw.keyed.map((op) => (firstTime(op.stateField) ? resolveKeyedOp(ctx, op, diagnostics) : undefined)),
  ];
  for (const op of resolved) if (op !== undefined) ops.push(op);
  return { apply: { kind: 'declarative', ops }, diagnostics, complete: ops.length === resolved.length };
}

/**
 * Omitted `apply`: assign same-named fields if all of them fit, else an abstract handler. When
 * every field has a same-named state field but one does not fit, the handler is probably a
 * surprise: EF511 (a warning) says why, and `apply: custom` confirms it.
 */
function defaultApply(ctx: ApplyContext): { apply: ApplyDef; diagnostics: Diagnostic[] } {
  const custom: ApplyDef = { kind: 'custom' };
  const fields = [...ctx.eventFields.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (ctx.event.payload.fields.length === 0 || fields.length !== ctx.event.payload.fields.length)
    return { apply: custom, diagnostics: [] };
  if (fields.some((f) => !ctx.stateFields.has(f.name))) return { apply: custom, diagnostics: [] };
  const misfit = fields.find((f) => !assignable(f, ctx.stateFields.get(f.name) as ResolvedFieldInfo));
  if (misfit !== undefined) {
    const state = ctx.stateFields.get(misfit.name) as ResolvedFieldInfo;
    const message = `event ${ctx.eventLabel} gets an abstract handler, not an assignment of its fields: field "${misfit.name}" is ${formatType(misfit.type, misfit.optional)} but state field "${misfit.name}" is ${formatType(state.type, state.optional)}`;
    return {
      apply: custom,
      diagnostics: [
        warningAt(
          ctx.file,
          misfit.raw.name.range,
          'EF511',
          message,
          'make the types agree to have it assigned, or write `apply: custom` to implement the handler by hand',
        ),
      ],
    };
  }
  return {
    apply: {
      kind: 'declarative',
      ops: fields.map((f) => ({ kind: 'assign', stateField: f.name, source: { kind: 'eventField', field: f.name } })),
    },
    diagnostics: [],
  };
}

function resolveOp(ctx: ApplyContext, op: RawApplyOp, diagnostics: Diagnostic[]): ApplyOpDef | undefined {
  const stateName = op.stateField.value;
  const verb = op.verb;
  const state = stateFieldOf(ctx, verb, op.stateField, diagnostics);
  if (state === undefined) return undefined;
  const kind = verb === 'set' ? 'assign' : verb;
  const problem = (code: string, message: string, hint?: string): undefined => {
    diagnostics.push(errorAt(ctx.file, op.source.range, code, message, hint));
    return undefined;
  };

  // What the value written must be: the state field itself, or its elements for push/remove.
  let target: SourceTarget;
  if (kind === 'push' || kind === 'remove') {
    if (state.type.kind !== 'list' || state.optional) {
      return problem(
        'EF504',
        `\`${verb}\` in event ${ctx.eventLabel} needs a list state field, but "${stateName}" is ${formatType(state.type, state.optional)}`,
        state.type.kind === 'list'
          ? 'make the state field a required list (lists start empty): drop the `?`'
          : `declare "${stateName}" as a list, e.g. \`${formatType(state.type)}[]\`, or use \`assign\``,
      );
    }
    target = {
      type: state.type.element,
      optional: false,
      label: `an element of "${stateName}" (${formatType(state.type.element)})`,
      constraints: {},
      mismatchCode: 'EF504',
    };
  } else if (kind === 'increment' || kind === 'decrement') {
    if (!isNumeric(state.type) || state.optional) {
      return problem(
        'EF505',
        `\`${verb}\` in event ${ctx.eventLabel} needs a required numeric state field, but "${stateName}" is ${formatType(state.type, state.optional)}`,
        'increment and decrement work on int, float, decimal and bigint fields that are not optional; give the field a default (e.g. `default: 0`)',
      );
    }
    target = {
      type: state.type,
      optional: false,
      label: `"${stateName}" (${formatType(state.type)})`,
      constraints: {},
      mismatchCode: 'EF505',
    };
  } else {
    target = {
      type: state.type,
      optional: state.optional,
      label: `state field "${stateName}" (${formatType(state.type, state.optional)})`,
      constraints: state.raw.constraints,
      mismatchCode: 'EF503',
    };
  }
  const source = resolveSource(ctx, verb, stateName, { value: op.source, quoted: op.quoted }, target, diagnostics);
  return source === undefined ? undefined : { kind, stateField: stateName, source };
}
