/**
 * Helpers the generated transcoders, validators and aggregate classes call: wire-form readers
 * that refuse data with a `DecodeError` naming the field path, wire-form writers, text-format
 * checks (decimal, date, datetime, uuid, base64) and the value equality `remove` uses.
 * Straight-line and allocation-free on the success path: they run once per field per event.
 */
import { Decimal } from 'decimal.js';
import { DecodeError, EventforgeError, UnknownSchemaVersionError, ValidationError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import type { JsonValue, PayloadCodec } from './codec.js';

/** Where a decoder is: the payload's topic and the schema version being read. */
export interface DecodeAt {
  readonly topic: string;
  readonly version: number;
}

/** A readonly generated type with its fields writable, for building values field by field. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A field reader: `(wire value, where, parent path, key or index)`. */
export type FieldReader<T> = (value: unknown, at: DecodeAt, path: string, key: string | number) => T;

const DECIMAL_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^-?(?:0|[1-9]\d*)$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(?:[+-]\d{6}|\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `trick` + `level` → `trick.level`; `tricks` + 2 → `tricks[2]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The error a reader throws: `expected` says what the field must be. */
export function decodeFailure(at: DecodeAt, path: string, key: string | number, value: unknown, expected: string): DecodeError {
  const problem = value === undefined ? `missing required field (expected ${expected})` : `expected ${expected}, got ${describe(value)}`;
  return new DecodeError(at.topic, at.version, joinPath(path, key), problem);
}

/** A stored version newer than the code (or not a version at all). */
export function unknownVersion(topic: string, version: number, known: number): UnknownSchemaVersionError {
  return new UnknownSchemaVersionError(topic, version, known);
}

/** The payload or a nested value object: a plain JSON object. */
export function readObject(value: unknown, at: DecodeAt, path: string, key: string | number): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw decodeFailure(at, path, key, value, 'an object');
  }
  return value as Readonly<Record<string, unknown>>;
}

/** The top of a payload: its path is empty. */
export function readPayload(value: unknown, at: DecodeAt): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError(at.topic, at.version, '', `expected an object, got ${value === undefined ? 'nothing' : describe(value)}`);
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
  if (typeof value !== 'number' || !Number.isFinite(value)) throw decodeFailure(at, path, key, value, 'a finite number');
  return value;
}

export function readBoolean(value: unknown, at: DecodeAt, path: string, key: string | number): boolean {
  if (typeof value !== 'boolean') throw decodeFailure(at, path, key, value, 'a boolean');
  return value;
}

export function readDecimal(value: unknown, at: DecodeAt, path: string, key: string | number): Decimal {
  if (typeof value !== 'string' || !DECIMAL_TEXT.test(value)) throw decodeFailure(at, path, key, value, 'a decimal number as text');
  return new Decimal(value);
}

export function readBigint(value: unknown, at: DecodeAt, path: string, key: string | number): bigint {
  if (typeof value !== 'string' || !INTEGER_TEXT.test(value)) throw decodeFailure(at, path, key, value, 'an integer as text');
  return BigInt(value);
}

export function readUuid(value: unknown, at: DecodeAt, path: string, key: string | number): string {
  if (typeof value !== 'string' || !UUID_TEXT.test(value)) throw decodeFailure(at, path, key, value, 'a UUID');
  return value;
}

export function readDate(value: unknown, at: DecodeAt, path: string, key: string | number): string {
  if (typeof value !== 'string' || !isDateText(value)) throw decodeFailure(at, path, key, value, 'a date YYYY-MM-DD');
  return value;
}

export function readDateTime(value: unknown, at: DecodeAt, path: string, key: string | number): Date {
  if (typeof value === 'string' && DATETIME_TEXT.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw decodeFailure(at, path, key, value, 'an ISO 8601 date-time with a time zone');
}

export function readBytes(value: unknown, at: DecodeAt, path: string, key: string | number): Uint8Array {
  if (typeof value !== 'string' || !BASE64_TEXT.test(value)) throw decodeFailure(at, path, key, value, 'base64 text');
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

export function readList<T>(value: unknown, at: DecodeAt, path: string, key: string | number, element: FieldReader<T>): T[] {
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

/** Wire form of a datetime: ISO 8601 in UTC with milliseconds. Refuses an invalid Date. */
export function encodeDateTime(value: Date): string {
  return value.toISOString();
}

export function encodeBytes(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

export function decodeBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function encodeList<T>(value: readonly T[], element: (item: T) => JsonValue): JsonValue[] {
  const out = new Array<JsonValue>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = element(value[i] as T);
  return out;
}

export function encodeMap<T>(value: Readonly<Record<string, T>>, element: (item: T) => JsonValue): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(value)) setEntry(out, k, element(value[k] as T));
  return out;
}

/** Sets a map entry; a `__proto__` key stays a plain entry instead of replacing the prototype. */
function setEntry<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function isDateText(text: string): boolean {
  const m = DATE_TEXT.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

export function isDateTimeText(text: string): boolean {
  return DATETIME_TEXT.test(text) && !Number.isNaN(new Date(text).getTime());
}

export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

export function isIntegerText(text: string): boolean {
  return INTEGER_TEXT.test(text);
}

export function isUuidText(text: string): boolean {
  return UUID_TEXT.test(text);
}

export function isBase64Text(text: string): boolean {
  return BASE64_TEXT.test(text);
}

/** Compares two decimal texts exactly: negative, zero or positive. NaN-safe callers check the format first. */
export function compareDecimalText(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}

/** Length in Unicode code points, as JSON Schema counts `minLength`/`maxLength`. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    length++;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}

/** Equality of generated values: Decimal by value, Date by instant, bytes by content, objects and lists deeply. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Decimal.isDecimal(a) || Decimal.isDecimal(b)) {
    return Decimal.isDecimal(a) && Decimal.isDecimal(b) && a.eq(b);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }
  const aKeys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The list without its first element equal to `value` (unchanged when none is). */
export function removeFirst<T>(list: readonly T[], value: T): T[] {
  const index = list.findIndex((item) => valuesEqual(item, value));
  if (index < 0) return list.slice();
  return [...list.slice(0, index), ...list.slice(index + 1)];
}

/** The shape of one error of an ajv standalone validator (the part eventforge reads). */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** An ajv standalone validation function, as generated into `validators.js`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: readonly SchemaError[] | null;
}

function issuePath(instancePath: string): string {
  let path = '';
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(key) ? joinPath(path, Number(key)) : joinPath(path, key);
  }
  return path;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/** ajv's message for one error, in the words of the domain language. */
function issueMessage(error: SchemaError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return `must be ${TYPE_WORDS[String(p['type'])] ?? String(p['type'])}`;
    case 'enum':
      return Array.isArray(p['allowedValues']) ? `must be one of ${p['allowedValues'].join(', ')}` : 'must be one of the declared values';
    case 'minItems':
      return `must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/** ajv errors → issues with field paths (`trick.level`, `tags[2]`), one per violation. */
export function schemaIssues(errors: readonly SchemaError[]): ValidationIssue[] {
  return errors.map((error) => {
    const missing = error.params['missingProperty'];
    if (error.keyword === 'required' && typeof missing === 'string') {
      return { path: joinPath(issuePath(error.instancePath), missing), message: 'is required' };
    }
    const extra = error.params['additionalProperty'];
    if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
      return { path: joinPath(issuePath(error.instancePath), extra), message: 'is not a declared field' };
    }
    return { path: issuePath(error.instancePath), message: issueMessage(error) };
  });
}

/** Throws `ValidationError` listing every violation when `wire` does not satisfy `validator`. */
export function assertValid(topic: string, validator: SchemaValidator, wire: JsonValue): void {
  if (validator(wire)) return;
  throw new ValidationError(topic, schemaIssues(validator.errors ?? []));
}

/**
 * Checks a typed payload before its event is queued: encodes it with its codec and validates the
 * wire form. A value the codec cannot even encode (a caller outside TypeScript's checks passing
 * `undefined` for a Decimal, an invalid Date) is refused the same way, as a `ValidationError`.
 * Returns the checked wire form: generated code hands it to `triggerEvent`, so the save stores it
 * instead of encoding the payload again.
 */
export function checkPayload<T>(topic: string, validator: SchemaValidator, codec: PayloadCodec<T>, data: T): JsonValue {
  let wire: JsonValue;
  try {
    wire = codec.encode(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(topic, [{ path: '', message: `does not fit its declared types (${reason})` }]);
  }
  assertValid(topic, validator, wire);
  return wire;
}

/** A non-creation event reached an aggregate with no state, or a creation event one that has state. */
export function outOfOrder(aggregate: string, event: string, creates: boolean): EventforgeError {
  return new EventforgeError(
    creates
      ? `${aggregate}: creation event ${event} cannot apply to an aggregate that already exists`
      : `${aggregate}: event ${event} cannot apply before the aggregate's creation event`,
  );
}
