/**
 * What every apply operation needs: the resolved fields of the event and the state, the state
 * field an operation names (EF501), and its value, an event field or a constant, checked
 * against what it must fit (EF503–EF506, EF509).
 */
import type { Diagnostic } from '../diagnostics.js';
import { closestName, didYouMean } from '../did-you-mean.js';
import type { Located, RawApplySource, RawConstraints, RawEvent, RawField } from '../load/raw-model.js';
import { errorAt, warningAt } from '../load/source-doc.js';
import { checkValue } from './check-value.js';
import type { ApplySourceDef, TypeRef } from '../ir/model.js';
import { formatType, resolveFieldType, sameType, type TypeTable } from './resolve-types.js';

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
  /** Declared fields whose types do not resolve (reported by the type rules): ops that touch them are skipped. */
  readonly unresolvedEventFields: ReadonlySet<string>;
  readonly unresolvedStateFields: ReadonlySet<string>;
  readonly table: TypeTable;
}

/** The names of the declared fields whose types do not resolve. */
export function unresolvedNames(
  fields: readonly RawField[],
  resolved: ReadonlyMap<string, ResolvedFieldInfo>,
): Set<string> {
  return new Set(fields.map((f) => f.name.value).filter((name) => !resolved.has(name)));
}

/** The state field an op names, or undefined after reporting EF501 (silently when its type does not resolve). */
export function stateFieldOf(
  ctx: ApplyContext,
  verb: string,
  name: Located<string>,
  diagnostics: Diagnostic[],
): ResolvedFieldInfo | undefined {
  const state = ctx.stateFields.get(name.value);
  if (state !== undefined || ctx.unresolvedStateFields.has(name.value)) return state;
  const declared = [...ctx.stateFields.keys(), ...ctx.unresolvedStateFields];
  const hint =
    didYouMean(name.value, declared) ??
    `the state has ${listNames(declared)}; declare "${name.value}" under state.fields or fix the name`;
  diagnostics.push(
    errorAt(
      ctx.file,
      name.range,
      'EF501',
      `\`${verb}\` in event ${ctx.eventLabel} names state field "${name.value}", which the state does not have`,
      hint,
    ),
  );
  return undefined;
}

/** What the value of an op must fit, how to name it in messages, and the code when an event field does not fit. */
export interface SourceTarget {
  readonly type: TypeRef;
  readonly optional: boolean;
  readonly label: string;
  readonly constraints: RawConstraints;
  readonly mismatchCode: string;
}

/**
 * An op's value: the event field it names (bare) or a constant, checked against `target`;
 * undefined after reporting why it does not fit, or silently when it names an event field whose
 * type does not resolve. EF509 warns of a constant that looks like a misspelt event field.
 */
export function resolveSource(
  ctx: ApplyContext,
  verb: string,
  stateName: string,
  raw: RawApplySource,
  target: SourceTarget,
  diagnostics: Diagnostic[],
): ApplySourceDef | undefined {
  const written = raw.value.value;
  if (typeof written === 'string' && !raw.quoted && ctx.unresolvedEventFields.has(written)) return undefined;
  const eventField = typeof written === 'string' && !raw.quoted ? ctx.eventFields.get(written) : undefined;
  const problem = (code: string, message: string, hint?: string): undefined => {
    diagnostics.push(errorAt(ctx.file, raw.value.range, code, message, hint));
    return undefined;
  };
  const sourceText =
    eventField !== undefined
      ? `event field "${eventField.name}" (${formatType(eventField.type, eventField.optional)})`
      : `constant ${JSON.stringify(written)}`;
  const typoHint = (): string | undefined => {
    if (typeof written !== 'string' || raw.quoted) return undefined;
    const near = closestName(written, ctx.eventFields.keys());
    return near === undefined
      ? undefined
      : `"${written}" is not a field of ${ctx.eventLabel}; did you mean event field "${near}"?`;
  };
  if (eventField !== undefined) {
    const fits = sameType(eventField.type, target.type) && (target.optional || !eventField.optional);
    if (!fits) {
      const literalFits = target.type.kind === 'enum' && checkValue(written, target.type, {}, ctx.table) === undefined;
      const hint = literalFits
        ? `a bare name is the event field of that name; to mean the enum value, quote it: \`"${String(written)}"\``
        : sameType(eventField.type, target.type)
          ? `the event field may be absent: make it required, or make the state field optional`
          : `make the types agree, or use \`apply: custom\` and convert in the handler`;
      return problem(
        target.mismatchCode,
        `\`${verb}\` in event ${ctx.eventLabel} puts ${sourceText} into ${target.label}`,
        hint,
      );
    }
    return { kind: 'eventField', field: eventField.name };
  }
  const valueProblem = checkValue(written, target.type, target.constraints, ctx.table);
  if (valueProblem !== undefined) {
    return problem(
      'EF506',
      `\`${verb}\` in event ${ctx.eventLabel}: ${sourceText} does not fit ${target.label}: ${valueProblem.message}`,
      typoHint() ??
        valueProblem.hint ??
        'a value that is not the name of an event field is a constant; it must fit the state field',
    );
  }
  // A value of the target's enum is what the author meant; only other strings may be typos.
  const typo = target.type.kind === 'enum' ? undefined : typoHint();
  if (typo !== undefined && typeof written === 'string') {
    diagnostics.push(
      warningAt(
        ctx.file,
        raw.value.range,
        'EF509',
        `\`${verb}\` in event ${ctx.eventLabel} sets "${stateName}" to the constant ${JSON.stringify(written)}`,
        `${typo} If the constant is meant, quote it: \`"${written}"\``,
      ),
    );
  }
  return { kind: 'constant', value: written };
}

function listNames(names: Iterable<string>): string {
  const list = [...names].map((n) => `"${n}"`);
  return list.length === 0 ? 'no fields' : `fields ${list.join(', ')}`;
}
