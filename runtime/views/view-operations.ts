/**
 * A declarative operation of the schema turned into a call on a ViewStore: the values it takes
 * from the event (payload fields, envelope, constants) and the store method it runs.
 */
import type { DomainEvent } from '../events.js';
import { rowValueOf } from './column-codec.js';
import { isRedacted } from '../personal/redacted.js';
import type { ViewColumn, ViewDefinition, ViewOperation, ViewValue } from './definition.js';
import { placeholderOf } from './view-forget.js';
import { columnOf, type ViewAppend, type ViewStore } from './view-store.js';

/** The operation's column values for this event, by row property (key columns included). */
export function operationValues<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  op: ViewOperation,
  event: DomainEvent,
): Record<string, unknown> {
  let read = compiled.get(op);
  if (read === undefined) {
    read = valuesReader(definition, op);
    compiled.set(op, read);
  }
  return read(event);
}

type ValuesReader = (event: DomainEvent) => Record<string, unknown>;

/** Each operation's reader, built once: the columns looked up and the constants converted ahead of the events. */
const compiled = new WeakMap<ViewOperation, ValuesReader>();

function valuesReader<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  op: ViewOperation,
): ValuesReader {
  const readers = Object.entries(op.values).map(
    ([name, value]) => [name, valueReader(definition, name, value, op)] as const,
  );
  return (event) => {
    const values: Record<string, unknown> = {};
    for (const [name, read] of readers) {
      const value = read(event);
      if (value !== LEFT_OUT) values[name] = value;
    }
    return values;
  };
}

/** A value an operation leaves out: a redacted element that a list operation does not append. */
const LEFT_OUT = Symbol('left out');

/** Runs the operation with its values on the row their key names. */
export async function runOperation<Row extends object, Key extends object>(
  op: ViewOperation,
  values: Record<string, unknown>,
  view: ViewStore<Row, Key>,
): Promise<void> {
  const key = values as Key;
  switch (op.op) {
    case 'insert':
      return view.insert(values as Key & Partial<Row>);
    case 'upsert':
      return view.upsert(values as Key & Partial<Row>);
    case 'update':
      await view.update(key, values as Partial<Row>);
      return;
    case 'increment':
      await view.increment(key, values as Partial<Row>);
      return;
    case 'decrement':
      await view.decrement(key, values as Partial<Row>);
      return;
    case 'list':
      await view.append(key, values as ViewAppend<Row>);
      return;
    case 'delete':
      await view.delete(key);
      return;
  }
}

function valueReader<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  name: string,
  value: ViewValue,
  op: ViewOperation,
): (event: DomainEvent) => unknown {
  const column = columnOf(definition, name);
  if ('field' in value) {
    const path = value.field;
    if (column.personal === true) return personalReader(column, path, op);
    return (event) => {
      let current: unknown = event.data;
      for (const part of path)
        current = current === null || current === undefined ? undefined : (current as Record<string, unknown>)[part];
      return current ?? null;
    };
  }
  if ('envelope' in value) {
    if (value.envelope === 'id') return (event) => event.originatorId;
    if (value.envelope === 'timestamp') return (event) => event.timestamp;
    return column.type === 'bigint' ? (event) => BigInt(event.originatorVersion) : (event) => event.originatorVersion;
  }
  // A list operation appends one element: the constant is an element, not a list.
  const elementColumn = op.op === 'list' && column.list ? { ...column, list: false } : column;
  const constant = rowValueOf(elementColumn, value.constant);
  return () => constant;
}

/**
 * A personal column's value: the event field, or, where the field (or a value object on its
 * path) reads as Redacted because its subject is forgotten, the column's placeholder; a list
 * operation then appends nothing. A replay after a forget thus writes no personal data.
 */
function personalReader(
  column: ViewColumn,
  path: readonly string[],
  op: ViewOperation,
): (event: DomainEvent) => unknown {
  const placeholder = op.op === 'list' && column.list ? LEFT_OUT : placeholderOf(column);
  return (event) => {
    let current: unknown = event.data;
    for (const part of path) {
      if (isRedacted(current)) return placeholder;
      current = current === null || current === undefined ? undefined : (current as Record<string, unknown>)[part];
    }
    return isRedacted(current) ? placeholder : (current ?? null);
  };
}
