/**
 * The shape check. ajv validates the document against domain.schema.json (the same
 * file editors use; compiled ahead of time into shape-validator.js), and each ajv error is
 * rewritten into domain words at the YAML node it is about: a missing key at its parent's name,
 * an unknown key at the key itself (with a did-you-mean), a wrong value at the value.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../did-you-mean.js';
import { camelCase, pascalCase } from '../ir/naming.js';
import { errorAt, nodeAtPath, rangeOfNode, type SourceDoc } from '../load/source-doc.js';
import { markPath, noDamage, type Damage } from '../load/damage.js';
import { documentData } from '../load/document-data.js';
import { describePath } from './describe-path.js';
import { checkEnumValueNames } from './enum-value-names.js';
// domain.schema.json precompiled by ajv (build-shape-validator.ts): compiling it at every start
// cost a cold `eventforge check` about 0.15 s, and loading ajv's compiler more.
import { validate } from './shape-validator.js';

export interface ShapeResult {
  /** One diagnostic per problem. */
  readonly diagnostics: Diagnostic[];
  /** The parts of the document the problems make unreadable (the rest is still checked). */
  readonly damage: Damage;
}

/** Checks the document's shape. */
export function checkShape(source: SourceDoc): ShapeResult {
  const damage = noDamage();
  const converted = documentData(source);
  if (!converted.ok) {
    damage.whole = true;
    return { damage, diagnostics: [converted.error] };
  }
  const { data } = converted;
  const names = checkEnumValueNames(source, data);
  if (validate(data)) return { damage, diagnostics: names };
  const errors = validate.errors ?? [];
  for (const error of errors) {
    const path = brokenNodePath(error);
    if (path !== undefined) markPath(damage, source, path);
  }
  const badNames = new Set(
    errors
      .filter((e) => e.keyword === 'propertyNames')
      .map((e) => `${e.instancePath}\u0000${String(e.params['propertyName'])}`),
  );
  // `state: { owner: string }`: fields written without `fields:`. One diagnostic says so, instead
  // of "missing fields" plus an "unknown key" per field.
  const fieldsMissingAt = new Set(
    errors
      .filter((e) => e.keyword === 'required' && e.params['missingProperty'] === 'fields')
      .map((e) => e.instancePath),
  );
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'additionalProperties' && fieldsMissingAt.has(error.instancePath)) continue;
    // The inner error of propertyNames repeats the outer one, without the name.
    if (error.keyword === 'if') continue;
    if (error.keyword !== 'propertyNames' && badNames.has(`${error.instancePath}\u0000${String(error.data)}`)) continue;
    const diagnostic = rewrite(source, error);
    if (diagnostic === undefined) continue;
    const key = `${diagnostic.code}:${diagnostic.span.start.offset}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return { damage, diagnostics: [...diagnostics, ...names] };
}

/** The node an error makes unusable; undefined when the root only lacks or has an extra key. */
function brokenNodePath(error: ErrorObject): string[] | undefined {
  const path = pathOf(error);
  // Errors inside propertyNames name the key they are about beside their params.
  const badName = error.params['propertyName'] ?? error.propertyName;
  if (badName !== undefined) return [...path, String(badName)];
  if (error.keyword === 'additionalProperties') return [...path, String(error.params['additionalProperty'])];
  if (error.keyword === 'required' && path.length === 0) return undefined;
  return path;
}

function pathOf(error: ErrorObject): string[] {
  if (error.instancePath === '') return [];
  return error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** What kind of names a map holds, by the key it sits under. */
const NAME_KINDS: Readonly<Record<string, { what: string; pascal: boolean }>> = {
  types: { what: 'type name', pascal: true },
  aggregates: { what: 'aggregate name', pascal: true },
  events: { what: 'event name', pascal: true },
  fields: { what: 'field name', pascal: false },
  upcast: { what: 'upcast field name', pascal: false },
};

function rewrite(source: SourceDoc, error: ErrorObject): Diagnostic | undefined {
  const path = pathOf(error);
  const file = source.file;
  const found = nodeAtPath(source.doc, path);
  const valueRange = rangeOfNode(source, found.node);
  const nameRange = found.keyNode !== null ? rangeOfNode(source, found.keyNode) : valueRange;
  const where = describePath(path);
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'propertyNames': {
      const name = String(error.params['propertyName']);
      const keyNode = nodeAtPath(source.doc, [...path, name]).keyNode;
      const range = rangeOfNode(source, keyNode ?? found.node);
      const container = path[path.length - 1] ?? '';
      if (container === 'history') {
        return errorAt(
          file,
          range,
          'EF115',
          `history key "${name}" of ${describePath(path.slice(0, -1))} is not a version number`,
          'history keys are the earlier versions: 1, 2, … up to version - 1',
        );
      }
      const kind = NAME_KINDS[container] ?? { what: 'state field name', pascal: false };
      const fixed = kind.pascal
        ? pascalCase(name.replace(/[^A-Za-z0-9_\-\s]/g, ''))
        : camelCase(pascalCase(name.replace(/[^A-Za-z0-9_\-\s]/g, '')));
      const style = kind.pascal
        ? 'PascalCase (a capital letter, then letters and digits)'
        : 'camelCase (a lower-case letter, then letters and digits)';
      const hint = /^[A-Za-z][A-Za-z0-9]*$/.test(fixed) && fixed !== name ? `write "${fixed}"` : `names are ${style}`;
      return errorAt(
        file,
        range,
        'EF201',
        `${kind.what} "${name}" in ${describePath(path.slice(0, -1))} is not ${style.replace(/ \(.*/, '')}`,
        hint,
      );
    }
    case 'required': {
      const missing = String(error.params['missingProperty']);
      const allowed = Object.keys((parentSchema['properties'] ?? {}) as Record<string, unknown>);
      const strays =
        typeof error.data === 'object' && error.data !== null
          ? Object.keys(error.data).filter((k) => !allowed.includes(k))
          : [];
      if (missing === 'fields' && strays.length > 0) {
        const list = strays.map((k) => `\`${k}\``).join(', ');
        return errorAt(
          file,
          nameRange,
          'EF110',
          `${where} is missing \`fields\`; ${list} ${strays.length > 1 ? 'look like fields' : 'looks like a field'}`,
          `put the fields under \`fields:\`, e.g. \`{ fields: { ${strays[0]}: … } }\``,
        );
      }
      return errorAt(
        file,
        nameRange,
        'EF110',
        `${where} is missing \`${missing}\``,
        REQUIRED_HINTS[missing] ?? `add \`${missing}:\``,
      );
    }
    case 'additionalProperties': {
      const key = String(error.params['additionalProperty']);
      const keyNode = nodeAtPath(source.doc, [...path, key]).keyNode;
      const allowed = Object.keys((parentSchema['properties'] ?? {}) as Record<string, unknown>);
      const hint = didYouMean(key, allowed) ?? `allowed keys here: ${allowed.map((k) => `\`${k}\``).join(', ')}`;
      return errorAt(
        file,
        rangeOfNode(source, keyNode ?? found.node),
        'EF111',
        `unknown key \`${key}\` in ${where}`,
        hint,
      );
    }
    case 'type': {
      if (parentSchema['required'] !== undefined && JSON.stringify(parentSchema['required']) === '["type"]') {
        return errorAt(
          file,
          valueRange,
          'EF112',
          `${where} must be a type expression or a map with \`type\`, not ${kindOf(error.data)}`,
          'write e.g. `name: string` or `name: { type: string, maxLength: 50 }`',
        );
      }
      const expected = ([] as unknown[]).concat(error.params['type']).map(String);
      const emptyMap =
        error.data === null && expected.includes('object')
          ? `for an empty map write \`${path[path.length - 1] ?? 'key'}: {}\``
          : undefined;
      // An empty value has no text of its own: point at its key.
      return errorAt(
        file,
        error.data === null ? nameRange : valueRange,
        'EF112',
        `${where} must be ${expected.map(article).join(' or ')}, not ${kindOf(error.data)}`,
        emptyMap ?? TYPE_HINTS[path[path.length - 1] ?? ''],
      );
    }
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map(String);
      const hint = didYouMean(String(error.data), allowed) ?? `write one of ${allowed.join(', ')}`;
      return errorAt(
        file,
        valueRange,
        'EF113',
        `${where} must be one of ${allowed.join(', ')}, not ${JSON.stringify(error.data)}`,
        hint,
      );
    }
    case 'pattern': {
      const pattern = String(error.params['pattern']);
      if (pattern === '^[A-Z][A-Za-z0-9]*$' || pattern === '^[a-z][A-Za-z0-9]*$') {
        const pascal = pattern.startsWith('^[A-Z]');
        const name = String(error.data);
        const fixed = pascal ? pascalCase(name) : camelCase(pascalCase(name));
        return errorAt(
          file,
          valueRange,
          'EF201',
          `${where.startsWith('domain name') ? where : `${where}:`} "${name}" is not ${pascal ? 'PascalCase' : 'camelCase'}`,
          /^[A-Za-z][A-Za-z0-9]*$/.test(fixed) ? `write "${fixed}"` : undefined,
        );
      }
      return errorAt(
        file,
        valueRange,
        'EF115',
        `${where} is not valid: ${JSON.stringify(error.data)}`,
        PATTERN_HINTS[path[path.length - 1] ?? ''] ?? `it must match ${pattern}`,
      );
    }
    case 'minProperties':
    case 'minItems':
    case 'minimum':
    case 'minLength':
      return errorAt(
        file,
        valueRange,
        'EF114',
        `${where} ${limitMessage(error)}`,
        LIMIT_HINTS[path[path.length - 1] ?? ''],
      );
    default:
      return errorAt(file, valueRange, 'EF112', `${where} ${error.message ?? 'is not valid'}`);
  }
}

function limitMessage(error: ErrorObject): string {
  const limit = Number(error.params['limit']);
  switch (error.keyword) {
    case 'minProperties':
      return 'is empty';
    case 'minItems':
      return limit === 1 ? 'has no values' : `must hold at least ${limit} values`;
    case 'minimum':
      return `must be at least ${limit}, not ${JSON.stringify(error.data)}`;
    default:
      return limit === 1 ? 'is empty' : `must be at least ${limit} characters long`;
  }
}

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  domain: 'start the file with `domain: <PascalCaseName>`',
  fields: 'add `fields:` mapping field names to types, e.g. `fields: { name: string }`',
  events: 'add `events:` with at least one event that has `creates: true`',
  type: 'write the type, e.g. `{ type: string, maxLength: 50 }`',
  every: 'write `snapshot: { every: <number of events> }`',
  enum: 'write `{ enum: [valueA, valueB] }`',
};

const TYPE_HINTS: Readonly<Record<string, string>> = {
  creates: 'write `creates: true`',
  discards: 'write `discards: true`',
  pii: 'write `pii: true`',
  version: 'write the current version number, e.g. `version: 2`',
  fields: 'map each field name to its type, e.g. `fields: { name: string }`',
  events: 'map each event name to its declaration, e.g. `events: { Registered: { creates: true } }`',
  minLength: 'a length is a whole number, e.g. `minLength: 1`',
  maxLength: 'a length is a whole number, e.g. `maxLength: 100`',
  every: 'write a number of events, e.g. `every: 50`',
};

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  upcasters: 'name the module relative to the schema file, e.g. `./bank.upcasters.ts`',
  min: 'write a number, or a numeric string for exact decimal or bigint bounds, e.g. "0.01"',
  max: 'write a number, or a numeric string for exact decimal or bigint bounds, e.g. "1000000"',
  using: 'name a function exported by the upcasters module, e.g. `using: trickFromName`',
};

const LIMIT_HINTS: Readonly<Record<string, string>> = {
  events: 'declare at least one event; the first one usually has `creates: true`',
  fields: 'a value object needs at least one field',
  every: 'snapshots are taken every N ≥ 1 events',
  version: 'versions start at 1',
};

function article(type: string): string {
  switch (type) {
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    case 'string':
    case 'number':
    case 'boolean':
      return `a ${type}`;
    default:
      return type;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}
