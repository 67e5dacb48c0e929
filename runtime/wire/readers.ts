/**
 * The wire-form readers the generated transcoders call: each takes one field of parsed JSON and
 * returns it typed, or throws a `DecodeError` naming the field's path. Straight-line and
 * allocation-free on the success path: they run once per field per event.
 */
import { Decimal } from 'decimal.js';
import type { JsonValue } from '../codec.js';
import { DecodeError, UnknownSchemaVersionError } from '../errors.js';
import { isBase64Text, isDateText, isDateTimeShape, isDecimalText, isIntegerText, isUuidText } from './text-formats.js';

/** Where a decoder is: the payload's topic and the schema version being read. */
export interface DecodeAt {
  readonly topic: string;
  readonly version: number;
  /** The payload's personal fields: a decode error inside one says what was found, never the value. */
  readonly personal?: readonly string[];
}

/** A readonly generated type with its fields writable, for building values field by field. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A field reader: `(wire value, where, parent path, key or index)`. */
export type FieldReader<T> = (value: unknown, at: DecodeAt, path: string, key: string | number) => T;

/** `trick` + `level` → `trick.level`; `tricks` + 2 → `tricks[2]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** What a value is, without what it says: for personal fields. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (personal data, not shown)`;
}

/** `address.street` → `address`; `tags[2]` → `tags`. */
function topLevelField(path: string): string {
  return /^[^.[]*/.exec(path)?.[0] ?? path;
}

/** The error a reader throws: `expected` says what the field must be. */
export function decodeFailure(
  at: DecodeAt,
  path: string,
  key: string | number,
  value: unknown,
  expected: string,
): DecodeError {
  const where = joinPath(path, key);
  const personal = at.personal !== undefined && at.personal.includes(topLevelField(where));
  const problem =
    value === undefined
      ? `missing required field (expected ${expected})`
      : `expected ${expected}, got ${personal ? kindOf(value) : describe(value)}`;
  return new DecodeError(at.topic, at.version, where, problem);
}

/** A stored version newer than the code (or not a version at all). */
export function unknownVersion(topic: string, version: number, known: number): UnknownSchemaVersionError {
  return new UnknownSchemaVersionError(topic, version, known);
}

/** The payload or a nested value object: a plain JSON object. */
export function readObject(
  value: unknown,
  at: DecodeAt,
  path: string,
  key: string | number,
): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw decodeFailure(at, path, key, value, 'an object');
  }
  return value as Readonly<Record<string, unknown>>;
}

/** The top of a payload: its path is empty. */
export function readPayload(value: unknown, at: DecodeAt): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError(
      at.topic,
      at.version,
      '',
      `expected an object, got ${value === undefined ? 'nothing' : describe(value)}`,
    );
  }
  return value as Readonly<Record<string, unknown>>;
}

export function readString(value: unknown, at: DecodeAt, path: string, key: string | number): string {
  if (typeof value !== 'string') throw decodeFailure(at, path, key, value, 'a string');
  return value;
}

export function readInt(value: unknown, at: DecodeAt, path: string, key: string | number): number {
  // Any integral number, as the validators accept: JSON carries integers beyond 2^53 exactly as doubles.
  if (typeof value !== 'number' || !Number.isInteger(value)) throw decodeFailure(at, path, key, value, 'an integer');
  return value;
}

export function readFloat(value: unknown, at: DecodeAt, path: string, key: string | number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw decodeFailure(at, path, key, value, 'a finite number');
  return value;
}

export function readBoolean(value: unknown, at: DecodeAt, path: string, key: string | number): boolean {
  if (typeof value !== 'boolean') throw decodeFailure(at, path, key, value, 'a boolean');
  return value;
}

export function readDecimal(value: unknown, at: DecodeAt, path: string, key: string | number): Decimal {
  if (typeof value !== 'string' || !isDecimalText(value))
    throw decodeFailure(at, path, key, value, 'a decimal number as text');
  return new Decimal(value);
}

export function readBigint(value: unknown, at: DecodeAt, path: string, key: string | number): bigint {
  if (typeof value !== 'string' || !isIntegerText(value))
    throw decodeFailure(at, path, key, value, 'an integer as text');
  return BigInt(value);
}

export function readUuid(value: unknown, at: DecodeAt, path: string, key: string | number): string {
  if (typeof value !== 'string' || !isUuidText(value)) throw decodeFailure(at, path, key, value, 'a UUID');
  return value;
}

export function readDate(value: unknown, at: DecodeAt, path: string, key: string | number): string {
  if (typeof value !== 'string' || !isDateText(value)) throw decodeFailure(at, path, key, value, 'a date YYYY-MM-DD');
  return value;
}

export function readDateTime(value: unknown, at: DecodeAt, path: string, key: string | number): Date {
  if (typeof value === 'string' && isDateTimeShape(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw decodeFailure(at, path, key, value, 'an ISO 8601 date-time with a time zone');
}

export function readBytes(value: unknown, at: DecodeAt, path: string, key: string | number): Uint8Array {
  if (typeof value !== 'string' || !isBase64Text(value)) throw decodeFailure(at, path, key, value, 'base64 text');
  return decodeBase64(value);
}

/** A `json` field: any JSON value (the wire came from JSON.parse), but not absent. */
export function readJson(value: unknown, at: DecodeAt, path: string, key: string | number): JsonValue {
  if (value === undefined) throw decodeFailure(at, path, key, value, 'a JSON value');
  return value as JsonValue;
}

export function readEnum<T extends string>(
  value: unknown,
  values: readonly T[],
  at: DecodeAt,
  path: string,
  key: string | number,
): T {
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw decodeFailure(at, path, key, value, `one of ${values.join(', ')}`);
  }
  return value as T;
}

export function readList<T>(
  value: unknown,
  at: DecodeAt,
  path: string,
  key: string | number,
  element: FieldReader<T>,
): T[] {
  if (!Array.isArray(value)) throw decodeFailure(at, path, key, value, 'an array');
  const listPath = joinPath(path, key);
  const out = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = element(value[i], at, listPath, i);
  return out;
}

export function readMap<T>(
  value: unknown,
  at: DecodeAt,
  path: string,
  key: string | number,
  element: FieldReader<T>,
): Record<string, T> {
  const object = readObject(value, at, path, key);
  const mapPath = joinPath(path, key);
  const out: Record<string, T> = {};
  for (const k of Object.keys(object)) setEntry(out, k, element(object[k], at, mapPath, k));
  return out;
}

export function decodeBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Sets a map entry; a `__proto__` key stays a plain entry instead of replacing the prototype. */
export function setEntry<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
