/**
 * TypeScript text for IR types and schema values: the typed side of docs/language.md's table.
 */
import { InternalError } from '../../diagnostics.js';
import type { DomainDef, EnumDef, FieldDef, JsonValue, ScalarKind, TypeRef, ValueObjectDef } from '../../ir/model.js';
import { quote } from './text.js';

/** Named types of one domain, for lookups while emitting. */
export interface DomainScope {
  readonly domain: DomainDef;
  readonly enums: ReadonlyMap<string, EnumDef>;
  readonly valueObjects: ReadonlyMap<string, ValueObjectDef>;
}

export function domainScope(domain: DomainDef): DomainScope {
  return {
    domain,
    enums: new Map(domain.enums.map((e) => [e.name, e])),
    valueObjects: new Map(domain.valueObjects.map((v) => [v.name, v])),
  };
}

export function valueObjectOf(scope: DomainScope, name: string): ValueObjectDef {
  const vo = scope.valueObjects.get(name);
  if (vo === undefined) throw new InternalError(`value object ${name} is not declared in domain ${scope.domain.name}`);
  return vo;
}

const SCALAR_TYPES: Record<ScalarKind, string> = {
  string: 'string',
  int: 'number',
  float: 'number',
  decimal: 'Decimal',
  bigint: 'bigint',
  boolean: 'boolean',
  uuid: 'string',
  datetime: 'Date',
  date: 'string',
  bytes: 'Uint8Array',
  json: 'JsonValue',
};

/** `readonly Trick[]`, `Readonly<Record<string, Decimal>>`, `Decimal`, ... */
export function tsType(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_TYPES[type.scalar];
    case 'enum':
    case 'valueObject':
      return type.name;
    case 'list': {
      const element = tsType(type.element);
      return element.includes(' ') ? `readonly (${element})[]` : `readonly ${element}[]`;
    }
    case 'map':
      return `Readonly<Record<string, ${tsType(type.value)}>>`;
  }
}

/** A personal field of an event or a state without a `redacted:` placeholder reads as the Redacted marker once forgotten. */
export function readsAsRedacted(field: FieldDef): boolean {
  return field.pii && field.redacted === undefined;
}

/** The type of a field of an event or a state: `string | Redacted` where it may read as redacted. */
export function payloadFieldType(field: FieldDef): string {
  return readsAsRedacted(field) ? `${tsType(field.type)} | Redacted` : tsType(field.type);
}

/** Whether a type (or anything inside it) is the given scalar: decides imports. */
export function usesScalar(type: TypeRef, scalar: ScalarKind, scope: DomainScope, seen = new Set<string>()): boolean {
  switch (type.kind) {
    case 'scalar':
      return type.scalar === scalar;
    case 'enum':
      return false;
    case 'list':
      return usesScalar(type.element, scalar, scope, seen);
    case 'map':
      return usesScalar(type.value, scalar, scope, seen);
    case 'valueObject':
      if (seen.has(type.name)) return false;
      seen.add(type.name);
      return valueObjectOf(scope, type.name).fields.some((f) => usesScalar(f.type, scalar, scope, seen));
  }
}

/** Whether any of the fields mention the scalar at top level (types.ts imports what it names). */
export function fieldsNameScalar(fields: readonly FieldDef[], scalar: ScalarKind): boolean {
  const names = (type: TypeRef): boolean =>
    type.kind === 'scalar'
      ? type.scalar === scalar
      : type.kind === 'list'
        ? names(type.element)
        : type.kind === 'map'
          ? names(type.value)
          : false;
  return fields.some((f) => names(f.type));
}

/** Names of runtime helpers a literal needs. */
export interface LiteralNeeds {
  decimal: boolean;
  decodeBase64: boolean;
}

/** A TypeScript expression for a schema value (a default or a constant) of the given type. */
export function literal(type: TypeRef, value: JsonValue, scope: DomainScope, needs: LiteralNeeds): string {
  switch (type.kind) {
    case 'scalar':
      return scalarLiteral(type.scalar, value, needs);
    case 'enum':
      return quote(String(value));
    case 'list':
      if (!Array.isArray(value)) throw new InternalError(`list default is not an array: ${JSON.stringify(value)}`);
      return `[${value.map((item: JsonValue) => literal(type.element, item, scope, needs)).join(', ')}]`;
    case 'map': {
      const entries = Object.entries(asObject(value)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (entries.length === 0) return '{}';
      return `{ ${entries.map(([k, v]) => `${quote(k)}: ${literal(type.value, v, scope, needs)}`).join(', ')} }`;
    }
    case 'valueObject': {
      const object = asObject(value);
      const parts = valueObjectOf(scope, type.name)
        .fields.filter((f) => object[f.name] !== undefined || f.default !== undefined)
        .map((f) => `${f.name}: ${literal(f.type, object[f.name] ?? f.default ?? null, scope, needs)}`);
      return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
    }
  }
}

function asObject(value: JsonValue): { readonly [key: string]: JsonValue } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InternalError(`object default is not an object: ${JSON.stringify(value)}`);
  }
  return value as { readonly [key: string]: JsonValue };
}

function scalarLiteral(scalar: ScalarKind, value: JsonValue, needs: LiteralNeeds): string {
  switch (scalar) {
    case 'string':
    case 'uuid':
    case 'date':
      return quote(String(value));
    case 'int':
    case 'float':
    case 'boolean':
      return String(value);
    case 'decimal':
      needs.decimal = true;
      return `new Decimal(${quote(String(value))})`;
    case 'bigint':
      return `${String(value)}n`;
    case 'datetime':
      return `new Date(${quote(String(value))})`;
    case 'bytes':
      needs.decodeBase64 = true;
      return `decodeBase64(${quote(String(value))})`;
    case 'json':
      return JSON.stringify(value);
  }
}

/** Type names `tsType(type)` mentions: enums, value objects, `Decimal`, `JsonValue`. */
export function mentionedTypes(type: TypeRef, out: Set<string>): Set<string> {
  switch (type.kind) {
    case 'scalar':
      if (type.scalar === 'decimal') out.add('Decimal');
      if (type.scalar === 'json') out.add('JsonValue');
      return out;
    case 'enum':
    case 'valueObject':
      out.add(type.name);
      return out;
    case 'list':
      return mentionedTypes(type.element, out);
    case 'map':
      return mentionedTypes(type.value, out);
  }
}
