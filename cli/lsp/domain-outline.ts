/**
 * What a (possibly half-typed) domain schema declares, read from its YAML tree with positions:
 * the names completion offers, the declarations go-to-definition jumps to, and the document's
 * symbols. Tolerant: whatever is missing or malformed is simply not there.
 */
import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { Document } from 'yaml';
import { keyNodeOf, keysOf, valueOf } from './yaml-cursor.js';

export interface FieldDecl {
  readonly name: string;
  readonly key: Scalar | undefined;
  /** The field's value: a type expression scalar or a map with `type` and constraints. */
  readonly value: Node | undefined;
}

export interface PayloadDecl {
  readonly fields: readonly FieldDecl[];
}

export interface EventDecl extends PayloadDecl {
  readonly name: string;
  readonly key: Scalar | undefined;
  readonly node: Node | undefined;
}

export interface AggregateDecl {
  readonly name: string;
  readonly key: Scalar | undefined;
  readonly node: Node | undefined;
  readonly state: PayloadDecl & { readonly node: Node | undefined };
  readonly events: readonly EventDecl[];
}

export interface TypeDecl {
  readonly name: string;
  readonly key: Scalar | undefined;
  readonly node: Node | undefined;
  readonly kind: 'enum' | 'value object';
  readonly values: readonly string[];
  readonly fields: readonly FieldDecl[];
}

export interface ViewDecl {
  readonly name: string;
  readonly key: Scalar | undefined;
  readonly node: Node | undefined;
  readonly columns: readonly FieldDecl[];
}

export interface DomainOutline {
  readonly domain:
    | { readonly name: string; readonly key: Scalar | undefined; readonly value: Node | undefined }
    | undefined;
  readonly types: readonly TypeDecl[];
  readonly aggregates: readonly AggregateDecl[];
  readonly views: readonly ViewDecl[];
}

export function outlineOf(doc: Document.Parsed): DomainOutline {
  const root = doc.contents;
  const domainValue = valueOf(root, 'domain');
  const domain = isScalar(domainValue)
    ? { name: String(domainValue.value), key: keyNodeOf(root, 'domain'), value: domainValue }
    : undefined;
  const types = entries(valueOf(root, 'types')).map(({ name, key, node }): TypeDecl => {
    const values = valueOf(node, 'enum');
    const listed =
      values !== undefined && 'items' in values
        ? (values.items as unknown[]).filter(isScalar).map((s) => String(s.value))
        : [];
    return {
      name,
      key,
      node,
      kind: values !== undefined ? 'enum' : 'value object',
      values: listed,
      fields: fieldsOf(node),
    };
  });
  const aggregates = entries(valueOf(root, 'aggregates')).map(({ name, key, node }): AggregateDecl => {
    const state = valueOf(node, 'state');
    const events = entries(valueOf(node, 'events')).map((event) => ({ ...event, fields: fieldsOf(event.node) }));
    return { name, key, node, state: { node: state, fields: fieldsOf(state) }, events };
  });
  const views = entries(valueOf(root, 'views')).map(({ name, key, node }) => ({
    name,
    key,
    node,
    columns: entries(valueOf(node, 'columns')).map((c) => ({ name: c.name, key: c.key, value: c.node })),
  }));
  return { domain, types, aggregates, views };
}

/** The aggregate and event a path inside `aggregates:` is under. */
export function enclosing(
  outline: DomainOutline,
  path: readonly string[],
): { aggregate?: AggregateDecl; event?: EventDecl } {
  if (path[0] !== 'aggregates' || path[1] === undefined) return {};
  const aggregate = outline.aggregates.find((a) => a.name === path[1]);
  const event =
    path[2] === 'events' && path[3] !== undefined ? aggregate?.events.find((e) => e.name === path[3]) : undefined;
  return { ...(aggregate === undefined ? {} : { aggregate }), ...(event === undefined ? {} : { event }) };
}

function fieldsOf(payload: Node | undefined): FieldDecl[] {
  return entries(valueOf(payload, 'fields')).map(({ name, key, node }) => ({ name, key, value: node }));
}

function entries(map: Node | undefined): { name: string; key: Scalar | undefined; node: Node | undefined }[] {
  if (!isMap(map)) return [];
  return keysOf(map as YAMLMap).map((name) => ({ name, key: keyNodeOf(map, name), node: valueOf(map, name) }));
}
