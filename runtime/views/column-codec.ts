/**
 * A view column's values between three forms: as the schema writes them (defaults, constants),
 * as rows hold them (the language's TypeScript types: Decimal, bigint, Date, Uint8Array), and
 * as each database stores them. SQLite stores datetimes as epoch milliseconds (what the event
 * store and Prisma's `unixepoch-ms` read), decimals as exact text, lists and json as JSON text;
 * PostgreSQL uses its own types (numeric, timestamptz, date, bytea, jsonb).
 */
import { Decimal } from 'decimal.js';
import type { JsonValue } from '../codec.js';
import type { SqlValue } from '../recorder.js';
import type { ViewColumn, ViewColumnType, ViewProvider } from './definition.js';

/** The row value of a schema value (a default or a constant) for the column. */
export function rowValueOf(column: ViewColumn, value: JsonValue): unknown {
  if (value === null) return null;
  if (column.list) return Array.isArray(value) ? value.map((v) => scalarOf(column.type, v)) : [];
  return scalarOf(column.type, value);
}

function scalarOf(type: ViewColumnType, value: JsonValue): unknown {
  switch (type) {
    case 'decimal':
      return new Decimal(String(value));
    case 'bigint':
      return BigInt(String(value));
    case 'datetime':
      return new Date(String(value));
    case 'bytes':
      return Uint8Array.from(Buffer.from(String(value), 'base64'));
    default:
      return value;
  }
}

/** The statement parameter for a row value. */
export function toSql(provider: ViewProvider, column: ViewColumn, value: unknown): SqlValue {
  // A required json column holds JSON's null as the text `null`; SQL NULL means absent.
  if (column.type === 'json' && !column.list && !column.optional && value === null) return 'null';
  if (value === null || value === undefined) return null;
  if (column.list) return JSON.stringify((value as readonly unknown[]).map((v) => jsonElement(column.type, v)));
  switch (column.type) {
    case 'decimal':
      return (value as Decimal).toString();
    case 'bigint':
      return provider === 'sqlite' ? (value as bigint) : String(value);
    case 'boolean':
      return provider === 'sqlite' ? (value === true ? 1 : 0) : value === true;
    case 'datetime':
      return provider === 'sqlite' ? (value as Date).getTime() : (value as Date).toISOString();
    case 'bytes':
      return Buffer.from(value as Uint8Array);
    case 'json':
      return JSON.stringify(value);
    default:
      return value as string | number;
  }
}

/** The row value of what the database returned. */
export function fromSql(column: ViewColumn, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (column.list) {
    const elements = (typeof raw === 'string' ? JSON.parse(raw) : raw) as JsonValue[];
    return elements.map((v) => fromJsonElement(column.type, v));
  }
  switch (column.type) {
    case 'int':
    case 'float':
      return Number(raw);
    case 'decimal':
      return new Decimal(String(raw));
    case 'bigint':
      return BigInt(raw as string | number | bigint);
    case 'boolean':
      return raw === true || raw === 1 || raw === 1n;
    case 'datetime':
      return dateOf(raw);
    case 'bytes':
      return Uint8Array.from(raw as Uint8Array);
    case 'json':
      return typeof raw === 'string' ? JSON.parse(raw) : raw;
    default:
      return raw;
  }
}

/**
 * A stored datetime as drivers and Prisma's adapters return it: a Date, epoch milliseconds
 * (number, bigint or digits), or ISO-like text (`2026-12-03 08:11:41.229+00`).
 */
function dateOf(raw: unknown): Date {
  if (raw instanceof Date) return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint' || /^\d+$/.test(String(raw))) return new Date(Number(raw));
  const text = String(raw)
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00');
  return new Date(text);
}

/** One element of a list column as JSON, as the column stores it. */
export function jsonElementOf(column: ViewColumn, value: unknown): JsonValue {
  return jsonElement(column.type, value);
}

/** A list element as JSON: exact decimals and bigints as text, datetimes as ISO text, bytes as base64. */
function jsonElement(type: ViewColumnType, value: unknown): JsonValue {
  switch (type) {
    case 'decimal':
    case 'bigint':
      return String(value);
    case 'datetime':
      return (value as Date).toISOString();
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return value as JsonValue;
  }
}

function fromJsonElement(type: ViewColumnType, value: JsonValue): unknown {
  return type === 'datetime' || type === 'decimal' || type === 'bigint' || type === 'bytes'
    ? scalarOf(type, value)
    : value;
}

/** Adds or subtracts two numbers of a column's type. */
export function addNumbers(type: ViewColumnType, a: unknown, b: unknown, sign: 1 | -1): unknown {
  switch (type) {
    case 'decimal':
      return sign === 1 ? (a as Decimal).plus(b as Decimal) : (a as Decimal).minus(b as Decimal);
    case 'bigint':
      return sign === 1 ? (a as bigint) + (b as bigint) : (a as bigint) - (b as bigint);
    default:
      return sign === 1 ? (a as number) + (b as number) : (a as number) - (b as number);
  }
}
