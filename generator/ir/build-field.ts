/** RawField → FieldDef, and source ranges → IR spans. */
import type { RawField } from '../load/raw-model.js';
import type { SourceRange } from '../load/source-doc.js';
import { InternalError } from '../diagnostics.js';
import type { ConstraintsDef, FieldDef, SourceSpan } from './model.js';
import { resolveFieldType, type TypeTable } from '../resolve/resolve-types.js';

/** The IR span of a range: where it starts. */
export function spanOf(file: string, range: SourceRange): SourceSpan {
  return { file, line: range.start.line, column: range.start.column, offset: range.start.offset };
}

/** A field of a checked schema (its type resolves: the rules ran first). */
export function buildField(file: string, raw: RawField, table: TypeTable): FieldDef {
  const resolved = resolveFieldType(raw, table);
  if (!resolved.ok)
    throw new InternalError(`field "${raw.name.value}" reached the IR with an unresolved type "${raw.type.value}"`);
  const c = raw.constraints;
  const exact =
    resolved.type.kind === 'scalar' && (resolved.type.scalar === 'decimal' || resolved.type.scalar === 'bigint');
  const constraints: ConstraintsDef = {
    ...(c.minLength !== undefined ? { minLength: c.minLength.value } : {}),
    ...(c.maxLength !== undefined ? { maxLength: c.maxLength.value } : {}),
    ...(c.pattern !== undefined ? { pattern: c.pattern.value } : {}),
    ...(c.min !== undefined ? { min: c.min.value.number } : {}),
    ...(c.max !== undefined ? { max: c.max.value.number } : {}),
    ...(c.min !== undefined && exact ? { minText: c.min.value.text } : {}),
    ...(c.max !== undefined && exact ? { maxText: c.max.value.text } : {}),
  };
  return {
    kind: 'field',
    name: raw.name.value,
    type: resolved.type,
    optional: resolved.optional,
    ...(raw.default !== undefined ? { default: raw.default.value } : {}),
    constraints,
    pii: raw.pii,
    ...(raw.redacted !== undefined ? { redacted: raw.redacted.value } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    span: spanOf(file, raw.name.range),
  };
}

/** Fields in declaration order (the IR's order: generated types list members as the schema does). */
export function buildFields(file: string, raws: readonly RawField[], table: TypeTable): FieldDef[] {
  return raws.map((raw) => buildField(file, raw, table));
}

export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
