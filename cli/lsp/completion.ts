/**
 * Completion in a domain schema, in block and flow style: keys from the language's JSON Schema,
 * type names where a type is expected, the aggregate's state fields as keys of an apply
 * operation, the event's fields as their values, and the allowed words of enum-like values.
 */
import { isMap, isScalar } from 'yaml';
import { SCALAR_KINDS } from '../../generator/ir/model.js';
import { enclosing, outlineOf, type DomainOutline, type FieldDecl } from './domain-outline.js';
import { keysAt, wordsAt } from './schema-keys.js';
import { viewSuggestion } from './view-completion.js';
import { cursorContext, parseSchemaText, type CursorContext } from './yaml-cursor.js';

export type CompletionKind = 'key' | 'type' | 'field' | 'word';

export interface Completion {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly insertText: string;
  readonly detail?: string;
  readonly documentation?: string;
  /** Offsets of the text the completion replaces: the word typed so far. */
  readonly replace: { readonly start: number; readonly end: number };
}

/** Operations on one element of a list or map, found by key: `{ lines: { key: sku, field: quantity, by: quantity } }`. */
const KEYED_OPERATIONS = new Set(['upsert', 'incrementAt', 'decrementAt', 'removeAt']);
// Every operation the language's JSON Schema allows under `apply` (any aggregate and event name will do).
const APPLY_OPERATIONS = new Set(keysAt(['aggregates', 'A', 'events', 'E', 'apply']).map((key) => key.name));
/** Parameters of a keyed operation whose value names an event field. */
const EVENT_FIELD_PARAMETERS = new Set(['key', 'value', 'by']);

export function completionsAt(text: string, offset: number): Completion[] {
  const cursor = cursorContext(text, offset);
  if (cursor === undefined) return [];
  const outline = outlineOf(parseSchemaText(text));
  const replace = { start: cursor.wordStart, end: offset };
  const make = (label: string, kind: CompletionKind, extra: Partial<Completion> = {}): Completion => ({
    label,
    kind,
    insertText: kind === 'key' ? `${label}: ` : label,
    replace,
    ...extra,
  });
  const inView = viewSuggestion(cursor.path, cursor.role, outline);
  if (inView?.kind === 'events')
    return inView.events
      .filter((e) => !cursor.siblings.includes(e.name))
      .map((e) => make(e.name, 'key', { detail: `event of ${e.aggregate}` }));
  if (inView !== undefined)
    return inView.fields
      .filter((f) => cursor.role !== 'key' || !cursor.siblings.includes(f.name))
      .map((f) =>
        make(f.name, 'field', {
          ...(cursor.role === 'key' ? { insertText: `${f.name}: ` } : {}),
          detail: fieldTypeText(f),
        }),
      );
  if (cursor.role === 'key') {
    const fields = keyFields(cursor, outline);
    if (fields !== undefined)
      return fields
        .filter((f) => !cursor.siblings.includes(f.name))
        .map((f) => make(f.name, 'field', { insertText: `${f.name}: `, detail: fieldTypeText(f) }));
    return keysAt(cursor.path)
      .filter((key) => !cursor.siblings.includes(key.name))
      .map((key) => make(key.name, 'key', { documentation: key.documentation }));
  }
  if (isTypePosition(cursor.path)) {
    return [
      ...SCALAR_KINDS.map((scalar) => make(scalar, 'type', { detail: 'scalar' })),
      ...outline.types.map((type) => make(type.name, 'type', { detail: type.kind })),
    ];
  }
  const values = valueFields(cursor, outline);
  if (values !== undefined) return values.map((f) => make(f.name, 'field', { detail: fieldTypeText(f) }));
  return wordsAt(cursor.path).map((word) => make(word, 'word'));
}

/** A field's value position (`name: |`) or a field spec's `type:`. */
export function isTypePosition(path: readonly string[]): boolean {
  const viewColumn = path[0] === 'views' && path[2] === 'columns';
  if (viewColumn) return path.length === 4 || (path.length === 5 && path[4] === 'type');
  return path.at(-2) === 'fields' || (path.at(-1) === 'type' && path.at(-3) === 'fields');
}

/** Keys that are field names: state fields under an apply operation, next-version fields under `upcast`. */
function keyFields(cursor: CursorContext, outline: DomainOutline): readonly FieldDecl[] | undefined {
  const path = cursor.path;
  const { aggregate, event } = enclosing(outline, path);
  if (aggregate === undefined) return undefined;
  if (path.length === 6 && path[4] === 'apply' && KEYED_OPERATIONS.has(path[5] ?? ''))
    return aggregate.state.fields.filter(isCollection);
  if (path.length === 6 && path[4] === 'apply' && APPLY_OPERATIONS.has(path[5] ?? '')) return aggregate.state.fields;
  if (path.at(-1) === 'upcast') return event?.fields ?? aggregate.state.fields;
  return undefined;
}

/**
 * Values that name a field: the right-hand side of an apply operation and a keyed operation's
 * `key`, `value` and `by` (event fields), a keyed operation's `field` (the element's fields).
 */
function valueFields(cursor: CursorContext, outline: DomainOutline): readonly FieldDecl[] | undefined {
  const path = cursor.path;
  if (path.length === 7 && path[4] === 'apply' && APPLY_OPERATIONS.has(path[5] ?? ''))
    return enclosing(outline, path).event?.fields;
  if (path.length !== 8 || path[4] !== 'apply' || !KEYED_OPERATIONS.has(path[5] ?? '')) return undefined;
  if (EVENT_FIELD_PARAMETERS.has(path[7] ?? '')) return enclosing(outline, path).event?.fields;
  if (path[7] !== 'field') return undefined;
  const collection = enclosing(outline, path).aggregate?.state.fields.find((f) => f.name === path[6]);
  const typeText = collection === undefined ? undefined : fieldTypeText(collection);
  const element = /^(?:map<\s*(\w+)\s*>|(\w+)\[\])$/.exec(typeText?.trim() ?? '');
  const typeName = element?.[1] ?? element?.[2];
  return outline.types.find((t) => t.name === typeName && t.kind === 'value object')?.fields;
}

/** A list or map state field: what keyed operations change. */
function isCollection(field: FieldDecl): boolean {
  const type = fieldTypeText(field)?.trim() ?? '';
  return type.endsWith('[]') || type.startsWith('map<');
}

/** The type text of a field: its expression, or the `type` of its spec. */
export function fieldTypeText(field: FieldDecl): string | undefined {
  if (isScalar(field.value)) return String(field.value.value);
  if (isMap(field.value)) {
    const type = field.value.get('type');
    return type === undefined || type === null ? undefined : String(type);
  }
  return undefined;
}
