/**
 * Checks of a payload against its event's schema: ajv's errors in the domain's words, and the
 * check the generated trigger methods run before an event is queued.
 */
import type { JsonValue, PayloadCodec } from '../codec.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { joinPath } from './readers.js';

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
      return Array.isArray(p['allowedValues'])
        ? `must be one of ${p['allowedValues'].join(', ')}`
        : 'must be one of the declared values';
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
