/**
 * The `personal` member of a generated codec: which fields are personal data, whose subject
 * they belong to, and what each reads as once forgotten (runtime/codec.ts `PersonalFields`).
 */
import type { AggregateDef, FieldDef, JsonValue, StateDef } from '../../ir/model.js';
import { quote } from './text.js';

/** `{ subject: 'customerId', fields: [{ name: 'email' }, …] }`, or undefined when no field is personal. */
export function personalFieldsLiteral(fields: readonly FieldDef[], subject: string | undefined): string | undefined {
  const personal = fields.filter((f) => f.pii);
  if (personal.length === 0) return undefined;
  const entries = personal.map((f) =>
    f.redacted === undefined
      ? `{ name: ${quote(f.name)} }`
      : `{ name: ${quote(f.name)}, redacted: ${wireLiteral(f, f.redacted)} }`,
  );
  const subjectPart = subject === undefined ? '' : `subject: ${quote(subject)}, `;
  return `{ ${subjectPart}fields: [${entries.join(', ')}] }`;
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
