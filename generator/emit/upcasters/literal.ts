/**
 * TypeScript expressions for schema default values (`add` ops of upcast steps): the JSON value
 * written in the schema, converted to the typed form the generated types use.
 */
import { InternalError } from '../../diagnostics.js';
import type { JsonValue, TypeRef, ValueObjectDef } from '../../ir/model.js';

/** What a literal needs to be written: value objects by name, and whether `Decimal` got used. */
export interface LiteralContext {
  readonly valueObjects: ReadonlyMap<string, ValueObjectDef>;
  /** Set when an expression uses `Decimal`, so the file imports it. */
  usesDecimal: boolean;
}

/** A fresh expression on every evaluation (a new array, object, Date, Decimal): upcast results share nothing. */
export function literalExpression(value: JsonValue, type: TypeRef, ctx: LiteralContext): string {
  switch (type.kind) {
    case 'scalar':
      return scalarLiteral(value, type.scalar, ctx);
    case 'enum':
      return stringLiteral(expectString(value, type.name));
    case 'list': {
      if (!Array.isArray(value)) throw new InternalError(`default of a list is not an array: ${JSON.stringify(value)}`);
      const items = (value as readonly JsonValue[]).map((v) => literalExpression(v, type.element, ctx));
      return `[${items.join(', ')}]`;
    }
    case 'map': {
      const entries = Object.entries(expectObject(value, 'map')).map(
        ([key, v]) => `${stringLiteral(key)}: ${literalExpression(v, type.value, ctx)}`,
      );
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    }
    case 'valueObject': {
      const def = ctx.valueObjects.get(type.name);
      if (def === undefined) throw new InternalError(`unknown value object ${type.name} in a default`);
      const given = expectObject(value, type.name);
      const entries: string[] = [];
      for (const field of def.fields) {
        const v = given[field.name] ?? field.default ?? emptyCollection(field.type);
        if (v !== undefined) entries.push(`${field.name}: ${literalExpression(v, field.type, ctx)}`);
      }
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    }
  }
}

function scalarLiteral(value: JsonValue, scalar: string, ctx: LiteralContext): string {
  switch (scalar) {
    case 'string':
    case 'uuid':
    case 'date':
      return stringLiteral(expectString(value, scalar));
    case 'int':
    case 'float':
      if (typeof value !== 'number') throw new InternalError(`default of ${scalar} is not a number`);
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new InternalError('default of boolean is not a boolean');
      return String(value);
    case 'decimal':
      ctx.usesDecimal = true;
      return `new Decimal(${stringLiteral(numberText(value, scalar))})`;
    case 'bigint':
      return `${BigInt(numberText(value, scalar)).toString()}n`;
    case 'datetime':
      return `new Date(${stringLiteral(expectString(value, scalar))})`;
    case 'bytes':
      // Written as base64 in the schema; expanded here so generated code needs no decoder.
      return `new Uint8Array([${[...Buffer.from(expectString(value, scalar), 'base64')].join(', ')}])`;
    case 'json':
      return jsonLiteral(value);
    default:
      throw new InternalError(`unknown scalar ${scalar}`);
  }
}

function emptyCollection(type: TypeRef): JsonValue | undefined {
  return type.kind === 'list' ? [] : type.kind === 'map' ? {} : undefined;
}

function numberText(value: JsonValue, scalar: string): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  throw new InternalError(`default of ${scalar} is neither a number nor a string`);
}

function expectString(value: JsonValue, what: string): string {
  if (typeof value !== 'string') throw new InternalError(`default of ${what} is not a string`);
  return value;
}

function expectObject(value: JsonValue, what: string): { readonly [key: string]: JsonValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InternalError(`default of ${what} is not an object`);
  }
  return value as { readonly [key: string]: JsonValue };
}

/** A single-quoted TypeScript string literal (the house style of generated code). */
export function stringLiteral(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** A JSON value as a TypeScript expression, strings single-quoted. */
function jsonLiteral(value: JsonValue): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(jsonLiteral).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: JsonValue }).map(([k, v]) => `${stringLiteral(k)}: ${jsonLiteral(v)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}
