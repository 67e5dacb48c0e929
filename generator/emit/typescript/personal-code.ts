/**
 * The `personal` member of a generated codec: which fields are personal data, whose subject
 * they belong to, and what each reads as once forgotten (runtime/codec.ts `PersonalFields`).
 */
import type { FieldDef, JsonValue } from '../../ir/model.js';
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
