/**
 * Hover, go-to-definition and document symbols in a domain schema: a field's type, constraints
 * and description; a type reference's declaration; the tree of domain, types, aggregates, state,
 * events and fields.
 */
import { isMap, type Node, type Scalar } from 'yaml';
import { SCALAR_KINDS } from '../../generator/ir/model.js';
import { fieldTypeText, isTypePosition } from './completion.js';
import { enclosing, outlineOf, type DomainOutline, type FieldDecl, type TypeDecl } from './domain-outline.js';
import { documentationAt } from './schema-keys.js';
import { nodeAt, parseSchemaText, type Located } from './yaml-cursor.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface SymbolNode {
  readonly name: string;
  readonly kind: 'domain' | 'enum' | 'value object' | 'aggregate' | 'state' | 'event' | 'field';
  readonly detail?: string;
  /** The whole declaration. */
  readonly span: Span;
  /** The name. */
  readonly selection: Span;
  readonly children: readonly SymbolNode[];
}

const CONSTRAINTS = ['minLength', 'maxLength', 'pattern', 'min', 'max', 'default'] as const;

/** Markdown for the position, or undefined where there is nothing to say. */
export function hoverAt(text: string, offset: number): { markdown: string; span: Span } | undefined {
  const doc = parseSchemaText(text);
  const at = nodeAt(doc, offset);
  if (at === undefined) return undefined;
  const outline = outlineOf(doc);
  const span = spanOf(at.scalar);
  if (at.role === 'key' && at.path.at(-1) === 'fields') {
    const field = fieldAt(outline, at);
    if (field !== undefined) return { markdown: describeField(field), span };
  }
  if (at.role === 'value' && isTypePosition(at.path)) {
    const name = wordAt(text, offset);
    const type = outline.types.find((t) => t.name === name);
    if (type !== undefined) return { markdown: describeType(type), span };
    if ((SCALAR_KINDS as readonly string[]).includes(name))
      return { markdown: `\`${name}\`: a scalar type of the language`, span };
  }
  if (at.role === 'key') {
    const markdown = documentationAt([...at.path, String(at.scalar.value)]);
    if (markdown !== undefined && markdown !== '') return { markdown, span };
  }
  return undefined;
}

/** Where the name under `offset` is declared: a type's key under `types:`, an event field named by `apply`. */
export function definitionAt(text: string, offset: number): Span | undefined {
  const doc = parseSchemaText(text);
  const at = nodeAt(doc, offset);
  if (at === undefined || at.role !== 'value') return undefined;
  const outline = outlineOf(doc);
  if (isTypePosition(at.path)) {
    const key = outline.types.find((t) => t.name === wordAt(text, offset))?.key;
    return key === undefined ? undefined : spanOf(key);
  }
  const keyedEventField =
    at.path.length === 8 && at.path[4] === 'apply' && ['key', 'value', 'by'].includes(at.path[7] ?? '');
  if ((at.path.length === 7 && at.path[4] === 'apply') || keyedEventField) {
    const key = enclosing(outline, at.path).event?.fields.find((f) => f.name === String(at.scalar.value))?.key;
    return key === undefined ? undefined : spanOf(key);
  }
  return undefined;
}

export function symbolsOf(text: string): SymbolNode[] {
  const outline = outlineOf(parseSchemaText(text));
  const fields = (list: readonly FieldDecl[]): SymbolNode[] =>
    list.flatMap((f) => symbol(f.name, 'field', f.key, f.value, [], fieldTypeText(f)));
  const types = outline.types.flatMap((t) => symbol(t.name, t.kind, t.key, t.node, fields(t.fields)));
  const aggregates = outline.aggregates.flatMap((a) =>
    symbol(a.name, 'aggregate', a.key, a.node, [
      ...(a.state.node === undefined ? [] : symbol('state', 'state', undefined, a.state.node, fields(a.state.fields))),
      ...a.events.flatMap((e) => symbol(e.name, 'event', e.key, e.node, fields(e.fields))),
    ]),
  );
  const domain = outline.domain;
  if (domain === undefined) return [...types, ...aggregates];
  return symbol(domain.name, 'domain', domain.key, domain.value, [...types, ...aggregates]);
}

function symbol(
  name: string,
  kind: SymbolNode['kind'],
  key: Scalar | undefined,
  node: Node | undefined,
  children: SymbolNode[],
  detail?: string,
): SymbolNode[] {
  const selection = key !== undefined ? spanOf(key) : node !== undefined ? spanOf(node) : undefined;
  if (selection === undefined) return [];
  const end = node?.range?.[1] ?? selection.end;
  return [
    {
      name,
      kind,
      ...(detail === undefined ? {} : { detail }),
      span: { start: selection.start, end: Math.max(end, selection.end) },
      selection,
      children,
    },
  ];
}

function fieldAt(outline: DomainOutline, at: Located): FieldDecl | undefined {
  const name = String(at.scalar.value);
  const path = at.path;
  const { aggregate, event } = enclosing(outline, path);
  if (path[0] === 'types') return outline.types.find((t) => t.name === path[1])?.fields.find((f) => f.name === name);
  if (event !== undefined && path.length === 5) return event.fields.find((f) => f.name === name);
  if (aggregate !== undefined && path[2] === 'state' && path.length === 4)
    return aggregate.state.fields.find((f) => f.name === name);
  return undefined;
}

function describeField(field: FieldDecl): string {
  const type = fieldTypeText(field) ?? '?';
  const lines = [`**${field.name}**: \`${type}\`${type.endsWith('?') ? ' (optional)' : ''}`];
  if (isMap(field.value)) {
    const spec = field.value;
    const constraints = CONSTRAINTS.filter((c) => spec.has(c)).map((c) => `\`${c}: ${JSON.stringify(spec.get(c))}\``);
    if (constraints.length > 0) lines.push(constraints.join(' · '));
    if (spec.get('pii') === true) lines.push('personal data (`pii`)');
    const description = spec.get('description');
    if (typeof description === 'string') lines.push(description);
  }
  return lines.join('\n\n');
}

function describeType(type: TypeDecl): string {
  const description = isMap(type.node) ? type.node.get('description') : undefined;
  const body =
    type.kind === 'enum'
      ? `enum: ${type.values.map((v) => `\`${v}\``).join(', ')}`
      : type.fields.map((f) => `- \`${f.name}: ${fieldTypeText(f) ?? '?'}\``).join('\n');
  return [`**${type.name}** (${type.kind})`, body, ...(typeof description === 'string' ? [description] : [])].join(
    '\n\n',
  );
}

/** The identifier under `offset` (`Trick` in `map<Trick>?`). */
function wordAt(text: string, offset: number): string {
  let start = offset;
  let end = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1] ?? '')) start -= 1;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end] ?? '')) end += 1;
  return text.slice(start, end);
}

function spanOf(node: Node): Span {
  const range = node.range ?? [0, 0, 0];
  return { start: range[0], end: range[1] };
}
