/**
 * The `personal` member of a generated codec: which fields are personal data, whose subject
 * they belong to, and what each reads as once forgotten (runtime/codec.ts `PersonalFields`).
 */
import type { AggregateDef, FieldDef, JsonValue, StateDef, TypeRef, ValueObjectDef } from '../../ir/model.js';
import { quote } from './text.js';

/** A domain's value objects by name. */
export type ValueObjects = ReadonlyMap<string, ValueObjectDef>;

/**
 * `{ subject: 'customerId', fields: [{ name: 'email' }, …] }`, or undefined when no field is
 * personal. A field holding value objects with personal fields (and not personal itself) lists
 * them under `inner`, each encrypted on its own.
 */
export function personalFieldsLiteral(
  fields: readonly FieldDef[],
  subject: string | undefined,
  valueObjects: ValueObjects,
): string | undefined {
  const entries = personalEntries(fields, valueObjects, new Set());
  if (entries.length === 0) return undefined;
  const subjectPart = subject === undefined ? '' : `subject: ${quote(subject)}, `;
  return `{ ${subjectPart}fields: [${entries.join(', ')}] }`;
}

/** The names of the fields whose values hold personal data (personal, or holding personal value objects). */
export function personalFieldNames(fields: readonly FieldDef[], valueObjects: ValueObjects): string[] {
  return fields.filter((f) => f.pii || innerLiteral(f.type, valueObjects, new Set()) !== undefined).map((f) => f.name);
}

function personalEntries(fields: readonly FieldDef[], valueObjects: ValueObjects, seen: ReadonlySet<string>): string[] {
  return fields.flatMap((f) => {
    if (f.pii)
      return [
        f.redacted === undefined
          ? `{ name: ${quote(f.name)} }`
          : `{ name: ${quote(f.name)}, redacted: ${wireLiteral(f, f.redacted)} }`,
      ];
    const inner = innerLiteral(f.type, valueObjects, seen);
    return inner === undefined ? [] : [`{ name: ${quote(f.name)}, inner: ${inner} }`];
  });
}

/** `{ shape: 'list', fields: […] }` for a value object (or a list or map of them) with personal fields. */
function innerLiteral(type: TypeRef, valueObjects: ValueObjects, seen: ReadonlySet<string>): string | undefined {
  const [shape, element] =
    type.kind === 'list' ? ['list', type.element] : type.kind === 'map' ? ['map', type.value] : ['one', type];
  if (element.kind !== 'valueObject' || seen.has(element.name)) return undefined;
  const vo = valueObjects.get(element.name);
  if (vo === undefined) return undefined;
  const entries = personalEntries(vo.fields, valueObjects, new Set([...seen, element.name]));
  return entries.length === 0 ? undefined : `{ shape: ${quote(shape)}, fields: [${entries.join(', ')}] }`;
}

/** The placeholder in its wire form: as written, except a bigint, whose wire form is its digits. */
function wireLiteral(field: FieldDef, value: JsonValue): string {
  const bigint = field.type.kind === 'scalar' && field.type.scalar === 'bigint';
  return JSON.stringify(bigint && typeof value === 'number' ? String(value) : value);
}

/**
 * An aggregate's state with the fields that apply fills from personal event fields marked
 * personal too (EF512 warns about them): they hold personal data, so they are encrypted and
 * redacted like it. Its last version holds the same fields.
 */
export function stateWithPersonalInflows(aggregate: AggregateDef): StateDef {
  const filled = new Set<string>();
  for (const event of aggregate.events) {
    if (event.apply.kind !== 'declarative') continue;
    const personal = new Set(event.fields.filter((f) => f.pii).map((f) => f.name));
    for (const op of event.apply.ops) {
      if (op.kind !== 'removeAt' && op.source.kind === 'eventField' && personal.has(op.source.field))
        filled.add(op.stateField);
    }
  }
  const state = aggregate.state;
  if (!state.fields.some((f) => !f.pii && filled.has(f.name))) return state;
  const fields = state.fields.map((f) => (!f.pii && filled.has(f.name) ? { ...f, pii: true } : f));
  const last = state.versions.length - 1;
  return { ...state, fields, versions: state.versions.map((v, i) => (i === last ? { ...v, fields } : v)) };
}
