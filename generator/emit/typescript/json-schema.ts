/**
 * JSON Schema (draft-07, as ajv reads it) of an event's wire form, from which ajv compiles the
 * standalone validators. Scalars without a JSON type (decimal, bigint, dates, uuid, bytes) are
 * strings checked by eventforge's own keywords (see ajv-keywords.ts).
 */
import type { FieldDef, ScalarKind, TypeRef } from '../../ir/model.js';
import type { DomainScope } from './type-text.js';

export type JsonSchema = { readonly [key: string]: unknown };

const TEXT_FORMATS: Partial<Record<ScalarKind, string>> = {
  decimal: 'decimal',
  bigint: 'integer',
  uuid: 'uuid',
  date: 'date',
  datetime: 'date-time',
  bytes: 'base64',
};

function scalarSchema(scalar: ScalarKind, field: FieldDef | undefined): JsonSchema {
  const c = field?.constraints ?? {};
  switch (scalar) {
    case 'string':
      return {
        type: 'string',
        ...(c.minLength === undefined ? {} : { minLength: c.minLength }),
        ...(c.maxLength === undefined ? {} : { maxLength: c.maxLength }),
        ...(c.pattern === undefined ? {} : { pattern: c.pattern }),
      };
    case 'int':
    case 'float':
      return {
        type: scalar === 'int' ? 'integer' : 'number',
        ...(c.min === undefined ? {} : { minimum: c.min }),
        ...(c.max === undefined ? {} : { maximum: c.max }),
      };
    case 'decimal':
    case 'bigint': {
      const min = c.minText ?? (c.min === undefined ? undefined : String(c.min));
      const max = c.maxText ?? (c.max === undefined ? undefined : String(c.max));
      return {
        type: 'string',
        textFormat: TEXT_FORMATS[scalar],
        ...(min === undefined ? {} : { decimalMinimum: min }),
        ...(max === undefined ? {} : { decimalMaximum: max }),
      };
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'json':
      return {};
    default:
      return { type: 'string', textFormat: TEXT_FORMATS[scalar] };
  }
}

/** `$id` under which a value object's schema is added to ajv. */
export function valueObjectSchemaId(name: string): string {
  return `/value-objects/${name}`;
}

/** Schema of a value of `type`; `field` carries the constraints (they apply to the outer type). */
export function typeSchema(type: TypeRef, scope: DomainScope, field?: FieldDef): JsonSchema {
  switch (type.kind) {
    case 'scalar':
      return scalarSchema(type.scalar, field);
    case 'enum': {
      const values = scope.enums.get(type.name)?.values ?? [];
      return { type: 'string', enum: [...values] };
    }
    case 'valueObject':
      // Referenced, not inlined: ajv compiles each value object's checks once per domain.
      return { $ref: valueObjectSchemaId(type.name) };
    case 'list': {
      const c = field?.constraints ?? {};
      return {
        type: 'array',
        items: typeSchema(type.element, scope),
        ...(c.minLength === undefined ? {} : { minItems: c.minLength }),
        ...(c.maxLength === undefined ? {} : { maxItems: c.maxLength }),
      };
    }
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(type.value, scope) };
  }
}

/**
 * Schema of an object with these fields. `defaultsOptional`: fields with a default are not
 * required (an event's input, where the trigger fills them in).
 */
export function objectSchema(fields: readonly FieldDef[], scope: DomainScope, defaultsOptional: boolean): JsonSchema {
  const required = fields
    .filter((f) => !f.optional && !(defaultsOptional && f.default !== undefined))
    .map((f) => f.name);
  return {
    type: 'object',
    ...(required.length === 0 ? {} : { required }),
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((f) => [f.name, typeSchema(f.type, scope, f)])),
  };
}
