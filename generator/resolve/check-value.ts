/**
 * Does a JSON value written in the schema (a `default`, an `apply` constant) fit a type and
 * its constraints? Used by the rules for defaults and for apply constants.
 */
import { Decimal } from 'decimal.js';
import type { RawConstraints, RawField } from '../load/raw-model.js';
import type { JsonValue, TypeRef } from '../ir/model.js';
import { didYouMean } from '../did-you-mean.js';
import { formatType, resolveFieldType, type TypeTable } from './resolve-types.js';

export type ValueProblem = {
  readonly kind: 'type' | 'constraint';
  readonly message: string;
  /** A did-you-mean, when the value is close to a valid name (an enum value, a field of a value object). */
  readonly hint?: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER_TEXT = /^[-+]?\d+$/;

/** The first reason `value` does not fit `type` with `constraints`, or undefined when it fits. */
export function checkValue(
  value: JsonValue,
  type: TypeRef,
  constraints: RawConstraints,
  table: TypeTable,
): ValueProblem | undefined {
  return typeProblem(value, type, table) ?? constraintProblem(value, type, constraints);
}

function typeProblem(value: JsonValue, type: TypeRef, table: TypeTable): ValueProblem | undefined {
  const wrong = (expected: string): ValueProblem => ({
    kind: 'type',
    message: `${show(value)} is not ${expected}`,
  });
  switch (type.kind) {
    case 'scalar':
      switch (type.scalar) {
        case 'string':
          return typeof value === 'string' ? undefined : wrong('a string');
        case 'boolean':
          return typeof value === 'boolean' ? undefined : wrong('a boolean (true or false)');
        case 'int':
          return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : wrong('an int');
        case 'float':
          return typeof value === 'number' && Number.isFinite(value) ? undefined : wrong('a float');
        case 'decimal':
          return (typeof value === 'number' && Number.isFinite(value)) ||
            (typeof value === 'string' && DECIMAL_TEXT.test(value.trim()))
            ? undefined
            : wrong('a decimal (a number, or a numeric string such as "0.10")');
        case 'bigint':
          return (typeof value === 'number' && Number.isSafeInteger(value)) ||
            (typeof value === 'string' && INTEGER_TEXT.test(value.trim()))
            ? undefined
            : wrong('a bigint (an integer, or an integer string for more than 15 digits)');
        case 'uuid':
          return typeof value === 'string' && UUID.test(value) ? undefined : wrong('a uuid');
        case 'date':
          return typeof value === 'string' && isDate(value) ? undefined : wrong('a date (YYYY-MM-DD)');
        case 'datetime':
          return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value))
            ? undefined
            : wrong('a datetime (ISO 8601 with a zone, e.g. 2024-01-31T12:00:00Z)');
        case 'bytes':
          return typeof value === 'string' && BASE64.test(value) ? undefined : wrong('bytes (a base64 string)');
        case 'json':
          return undefined;
      }
      return undefined;
    case 'enum': {
      const values = table.enums.get(type.name)?.values.map((v) => v.value) ?? [];
      if (typeof value === 'string' && values.includes(value)) return undefined;
      const hint = typeof value === 'string' ? didYouMean(value, values) : undefined;
      return {
        kind: 'type',
        message: `${show(value)} is not a value of enum ${type.name} (${values.join(', ')})`,
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    case 'list': {
      if (!Array.isArray(value)) return wrong(`a list (${formatType(type)})`);
      for (const [index, element] of (value as readonly JsonValue[]).entries()) {
        const problem = typeProblem(element, type.element, table);
        if (problem !== undefined) return { ...problem, kind: 'type', message: `element ${index}: ${problem.message}` };
      }
      return undefined;
    }
    case 'map': {
      if (!isObject(value)) return wrong(`a map (${formatType(type)})`);
      for (const [key, element] of Object.entries(value)) {
        const problem = typeProblem(element, type.value, table);
        if (problem !== undefined) return { ...problem, kind: 'type', message: `key "${key}": ${problem.message}` };
      }
      return undefined;
    }
    case 'valueObject':
      return valueObjectProblem(value, type.name, table);
  }
}

function valueObjectProblem(value: JsonValue, name: string, table: TypeTable): ValueProblem | undefined {
  const vo = table.valueObjects.get(name);
  if (vo === undefined) return undefined;
  if (!isObject(value)) return { kind: 'type', message: `${show(value)} is not a ${name} (a map of its fields)` };
  const fields = new Map(vo.fields.map((f) => [f.name.value, f]));
  for (const key of Object.keys(value)) {
    if (fields.has(key)) continue;
    const hint = didYouMean(key, fields.keys());
    return { kind: 'type', message: `${name} has no field "${key}"`, ...(hint !== undefined ? { hint } : {}) };
  }
  for (const field of vo.fields) {
    const resolved = resolveFieldType(field, table);
    if (!resolved.ok) continue;
    const fieldValue = value[field.name.value];
    if (fieldValue === undefined) {
      if (!needsValue(field, resolved.type, resolved.optional)) continue;
      return { kind: 'type', message: `${name} needs field "${field.name.value}"` };
    }
    const problem = checkValue(fieldValue, resolved.type, field.constraints, table);
    if (problem !== undefined) return { ...problem, message: `${name}.${field.name.value}: ${problem.message}` };
  }
  return undefined;
}

/** A required field with no default that does not start empty (lists start [], maps {}). */
export function needsValue(field: RawField, type: TypeRef, optional: boolean): boolean {
  return !optional && field.default === undefined && type.kind !== 'list' && type.kind !== 'map';
}

function constraintProblem(value: JsonValue, type: TypeRef, c: RawConstraints): ValueProblem | undefined {
  const length = typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : undefined;
  if (length !== undefined) {
    const unit = typeof value === 'string' ? 'characters' : 'elements';
    if (c.minLength !== undefined && length < c.minLength.value) {
      return {
        kind: 'constraint',
        message: `${show(value)} has ${length} ${unit}, fewer than minLength ${c.minLength.value}`,
      };
    }
    if (c.maxLength !== undefined && length > c.maxLength.value) {
      return {
        kind: 'constraint',
        message: `${show(value)} has ${length} ${unit}, more than maxLength ${c.maxLength.value}`,
      };
    }
  }
  if (typeof value === 'string' && c.pattern !== undefined && type.kind === 'scalar' && type.scalar === 'string') {
    const regex = compilePattern(c.pattern.value);
    if (regex !== undefined && !regex.test(value)) {
      return { kind: 'constraint', message: `${show(value)} does not match pattern ${c.pattern.value}` };
    }
  }
  const number = numericValue(value);
  if (number !== undefined) {
    if (c.min !== undefined && number.lessThan(new Decimal(c.min.value.text))) {
      return { kind: 'constraint', message: `${show(value)} is less than min ${c.min.value.text}` };
    }
    if (c.max !== undefined && number.greaterThan(new Decimal(c.max.value.text))) {
      return { kind: 'constraint', message: `${show(value)} is greater than max ${c.max.value.text}` };
    }
  }
  return undefined;
}

/** The whole value must match, as the generated validators check it. */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

function numericValue(value: JsonValue): Decimal | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Decimal(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return new Decimal(value.trim());
  return undefined;
}

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
