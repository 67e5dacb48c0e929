/** A field, a type and an upcast step as the catalog shows them: plain text, no markup. */
import { typeText as schemaTypeText } from '../../ir/derive-upcast.js';
import type { ConstraintsDef, JsonValue, TypeRef, UpcastOpDef } from '../../ir/model.js';

/** The enum or value object a type refers to, however deep in lists and maps. */
export function namedTypeOf(type: TypeRef): string | undefined {
  switch (type.kind) {
    case 'scalar':
      return undefined;
    case 'enum':
    case 'valueObject':
      return type.name;
    case 'list':
      return namedTypeOf(type.element);
    case 'map':
      return namedTypeOf(type.value);
  }
}

/** A type as written in the schema (`Trick[]`, `map<decimal>`), with `?` when the field may be absent. */
export function typeText(type: TypeRef, optional = false): string {
  return schemaTypeText(type) + (optional ? '?' : '');
}

export function valueText(value: JsonValue): string {
  return JSON.stringify(value);
}

/** `minLength 1`, `max 100`, `pattern ^…$`: one entry per declared constraint, in a fixed order. */
export function constraintTexts(constraints: ConstraintsDef): string[] {
  const texts: string[] = [];
  if (constraints.minLength !== undefined) texts.push(`minLength ${constraints.minLength}`);
  if (constraints.maxLength !== undefined) texts.push(`maxLength ${constraints.maxLength}`);
  const min = constraints.minText ?? constraints.min;
  const max = constraints.maxText ?? constraints.max;
  if (min !== undefined) texts.push(`min ${min}`);
  if (max !== undefined) texts.push(`max ${max}`);
  if (constraints.pattern !== undefined) texts.push(`pattern ${constraints.pattern}`);
  return texts;
}

/** What an upcast op does to its field, in a few words (`renamed from sum`). */
export function upcastOpText(op: UpcastOpDef): string {
  switch (op.kind) {
    case 'keep':
      return 'kept';
    case 'add':
      return op.default === undefined
        ? 'added (absent in older events)'
        : `added, defaulted to ${valueText(op.default)}`;
    case 'drop':
      return 'dropped';
    case 'rename':
      return `renamed from ${op.from}`;
    case 'custom':
      return `computed by ${op.functionName}()`;
  }
}

/** One short line per changing op (kept fields are left out), for a diagram's edge label. */
export function upcastOpLine(op: UpcastOpDef): string | undefined {
  switch (op.kind) {
    case 'keep':
      return undefined;
    case 'add':
      return op.default === undefined ? `+ ${op.field}` : `+ ${op.field} = ${valueText(op.default)}`;
    case 'drop':
      return `- ${op.field}`;
    case 'rename':
      return `${op.from} → ${op.field}`;
    case 'custom':
      return `${op.field} = ${op.functionName}()`;
  }
}
