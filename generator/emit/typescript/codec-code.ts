/**
 * Expressions of the straight-line transcoders: how one field is written to and read from its
 * wire form. Readers share the signature `(value, at, path, key)` of runtime/wire.ts.
 */
import type { ScalarKind, TypeRef } from '../../ir/model.js';
import { decoderName, encoderName, enumReaderName } from '../../ir/naming.js';

const SCALAR_READERS: Record<ScalarKind, string> = {
  string: 'readString',
  int: 'readInt',
  float: 'readFloat',
  decimal: 'readDecimal',
  bigint: 'readBigint',
  boolean: 'readBoolean',
  uuid: 'readUuid',
  datetime: 'readDateTime',
  date: 'readDate',
  bytes: 'readBytes',
  json: 'readJson',
};

/**
 * The runtime helpers a generated transcoders file uses (and the internal types it needs, added
 * with `add`). Helpers are imported by name; one whose name a domain name already takes in the file
 * (`readPayload` for an enum `Payload`, `encodeBytes` for a value object `Bytes`) is imported under
 * a `runtime…` alias instead, so domain names never clash with the runtime's.
 */
export class RuntimeHelpers extends Set<string> {
  readonly #taken: ReadonlySet<string>;

  /** `taken`: every name the file declares or imports from its own folder. */
  constructor(taken: Iterable<string>) {
    super();
    this.#taken = new Set(taken);
  }

  /** The name the file calls `helper` by. */
  localName(helper: string): string {
    if (!this.#taken.has(helper)) return helper;
    let alias = `runtime${helper[0]?.toUpperCase() ?? ''}${helper.slice(1)}`;
    while (this.#taken.has(alias)) alias = `_${alias}`;
    return alias;
  }

  /** Import specifiers (`name` or `name as alias`) of the used names `select` keeps. */
  specifiers(select: (name: string) => boolean): string[] {
    return [...this].filter(select).map((name) => {
      const local = this.localName(name);
      return local === name ? name : `${name} as ${local}`;
    });
  }
}

/** A runtime helper, by the name the file imports it under; records that the file uses it. */
export function helper(name: string, helpers: RuntimeHelpers): string {
  helpers.add(name);
  return helpers.localName(name);
}

/** A function expression with the reader signature for `type`; records runtime helpers used. */
export function readerRef(type: TypeRef, helpers: RuntimeHelpers): string {
  switch (type.kind) {
    case 'scalar': {
      return helper(SCALAR_READERS[type.scalar], helpers);
    }
    case 'enum':
      return enumReaderName(type.name);
    case 'valueObject':
      return decoderName(type.name);
    case 'list':
    case 'map':
      return `(v, at, p, k) => ${readCall(type, 'v', 'at', 'p', 'k', helpers)}`;
  }
}

/** An expression reading `value` (wire) at `path`/`key` into the typed form. */
export function readCall(
  type: TypeRef,
  value: string,
  at: string,
  path: string,
  key: string,
  helpers: RuntimeHelpers,
): string {
  switch (type.kind) {
    case 'list':
      return `${helper('readList', helpers)}(${value}, ${at}, ${path}, ${key}, ${readerRef(type.element, helpers)})`;
    case 'map':
      return `${helper('readMap', helpers)}(${value}, ${at}, ${path}, ${key}, ${readerRef(type.value, helpers)})`;
    default:
      return `${readerRef(type, helpers)}(${value}, ${at}, ${path}, ${key})`;
  }
}

/** Whether the wire form of a type is the typed value itself (strings, numbers, booleans, enums, json). */
export function isIdentity(type: TypeRef): boolean {
  if (type.kind === 'enum') return true;
  if (type.kind !== 'scalar') return false;
  return !['decimal', 'bigint', 'datetime', 'bytes'].includes(type.scalar);
}

/** An expression writing the typed `value` as JSON. */
export function writeExpr(type: TypeRef, value: string, helpers: RuntimeHelpers): string {
  switch (type.kind) {
    case 'enum':
      return value;
    case 'valueObject':
      return `${encoderName(type.name)}(${value})`;
    case 'list':
      if (isIdentity(type.element)) return `${value}.slice()`;
      return `${helper('encodeList', helpers)}(${value}, ${writerRef(type.element, helpers)})`;
    case 'map':
      if (isIdentity(type.value)) return `{ ...${value} }`;
      return `${helper('encodeMap', helpers)}(${value}, ${writerRef(type.value, helpers)})`;
    case 'scalar':
      switch (type.scalar) {
        case 'decimal':
        case 'bigint':
          return `${value}.toString()`;
        case 'datetime':
          return `${value}.toISOString()`;
        case 'bytes':
          return `${helper('encodeBytes', helpers)}(${value})`;
        default:
          return value;
      }
  }
}

function writerRef(type: TypeRef, helpers: RuntimeHelpers): string {
  if (type.kind === 'valueObject') return encoderName(type.name);
  if (type.kind === 'scalar' && type.scalar === 'bytes') return helper('encodeBytes', helpers);
  return `(item) => ${writeExpr(type, 'item', helpers)}`;
}
