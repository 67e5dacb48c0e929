/**
 * Name resolution for type expressions: the scalars plus the domain's enums and value objects.
 * Every field of a domain is resolved once, when its table is built; the semantic rules (which
 * report what does not resolve) and the IR builder (which only runs when everything resolved)
 * read the result.
 */
import { InternalError } from '../diagnostics.js';
import type { RawDomain, RawEnum, RawField, RawPayload, RawValueObject } from '../load/raw-model.js';
import { SCALAR_KINDS, type ScalarKind, type TypeRef } from '../ir/model.js';
import { parseFieldType, type TypeExpr } from './type-expr.js';

export interface TypeTable {
  readonly enums: ReadonlyMap<string, RawEnum>;
  readonly valueObjects: ReadonlyMap<string, RawValueObject>;
  /** Every field of the domain (value objects, state, events, their history) with its resolved type. */
  readonly fieldTypes: ReadonlyMap<RawField, ResolvedField>;
}

/**
 * The domain's declared types by name (the first declaration wins if a name is declared twice),
 * and the type of each of its fields resolved against them.
 */
export function typeTable(domain: RawDomain): TypeTable {
  const enums = new Map<string, RawEnum>();
  const valueObjects = new Map<string, RawValueObject>();
  for (const decl of domain.types) {
    if (enums.has(decl.name.value) || valueObjects.has(decl.name.value)) continue;
    if (decl.kind === 'enum') enums.set(decl.name.value, decl);
    else valueObjects.set(decl.name.value, decl);
  }
  const names = { enums, valueObjects };
  const fieldTypes = new Map<RawField, ResolvedField>();
  // A type text resolves the same wherever it is written: each distinct text is parsed once
  // (a large schema repeats `string` or `Money?` thousands of times).
  const byText = new Map<string, ResolvedField>();
  for (const field of allFields(domain)) {
    let resolved = byText.get(field.type.value);
    if (resolved === undefined) {
      resolved = resolveField(field, names);
      byText.set(field.type.value, resolved);
    }
    fieldTypes.set(field, resolved);
  }
  return { enums, valueObjects, fieldTypes };
}

function allFields(domain: RawDomain): RawField[] {
  const ofPayload = (payload: RawPayload): RawField[] =>
    [payload.fields, ...payload.history.map((h) => h.fields)].flat();
  return [
    ...domain.types.flatMap((decl) => (decl.kind === 'valueObject' ? decl.fields : [])),
    ...domain.aggregates.flatMap((a) => [ofPayload(a.state), ...a.events.map((e) => ofPayload(e.payload))].flat()),
    ...domain.views.flatMap((v) => v.columns),
  ];
}

export function isScalarKind(name: string): name is ScalarKind {
  return (SCALAR_KINDS as readonly string[]).includes(name);
}

/** A name of the expression that does not resolve, with its offset in the expression text. */
export interface UnresolvedName {
  readonly name: string;
  readonly at: number;
}

export type ResolvedField =
  | { readonly ok: true; readonly type: TypeRef; readonly optional: boolean }
  | {
      readonly ok: false;
      readonly unresolved: readonly UnresolvedName[];
      readonly syntax?: { message: string; hint: string; at: number };
    };

/** A field's type as the table resolved it. */
export function resolveFieldType(field: RawField, table: TypeTable): ResolvedField {
  const resolved = table.fieldTypes.get(field);
  if (resolved === undefined)
    throw new InternalError(`field "${field.name.value}" is not a field of the table's domain`);
  return resolved;
}

type Names = Pick<TypeTable, 'enums' | 'valueObjects'>;

function resolveField(field: RawField, table: Names): ResolvedField {
  const parsed = parseFieldType(field.type.value);
  if (!parsed.ok)
    return { ok: false, unresolved: [], syntax: { message: parsed.message, hint: parsed.hint, at: parsed.at } };
  const unresolved: UnresolvedName[] = [];
  const type = resolveExpr(parsed.type, table, unresolved);
  return unresolved.length === 0 ? { ok: true, type, optional: parsed.optional } : { ok: false, unresolved };
}

function resolveExpr(expr: TypeExpr, table: Names, unresolved: UnresolvedName[]): TypeRef {
  switch (expr.kind) {
    case 'list':
      return { kind: 'list', element: resolveExpr(expr.element, table, unresolved) };
    case 'map':
      return { kind: 'map', value: resolveExpr(expr.value, table, unresolved) };
    case 'named':
      if (isScalarKind(expr.name)) return { kind: 'scalar', scalar: expr.name };
      if (table.enums.has(expr.name)) return { kind: 'enum', name: expr.name };
      if (table.valueObjects.has(expr.name)) return { kind: 'valueObject', name: expr.name };
      unresolved.push({ name: expr.name, at: expr.at });
      return { kind: 'scalar', scalar: 'json' };
  }
}

/** Structural equality of resolved types. */
export function sameType(a: TypeRef, b: TypeRef): boolean {
  switch (a.kind) {
    case 'scalar':
      return b.kind === 'scalar' && a.scalar === b.scalar;
    case 'enum':
    case 'valueObject':
      return b.kind === a.kind && b.name === a.name;
    case 'list':
      return b.kind === 'list' && sameType(a.element, b.element);
    case 'map':
      return b.kind === 'map' && sameType(a.value, b.value);
  }
}

/** The type as the schema writes it: `Trick[]`, `map<decimal>`. */
export function formatType(type: TypeRef, optional = false): string {
  const text =
    type.kind === 'scalar'
      ? type.scalar
      : type.kind === 'enum' || type.kind === 'valueObject'
        ? type.name
        : type.kind === 'list'
          ? `${formatType(type.element)}[]`
          : `map<${formatType(type.value)}>`;
  return optional ? `${text}?` : text;
}

export const NUMERIC_SCALARS: readonly ScalarKind[] = ['int', 'float', 'decimal', 'bigint'];

export function isNumeric(type: TypeRef): boolean {
  return type.kind === 'scalar' && NUMERIC_SCALARS.includes(type.scalar);
}
