/**
 * A declarative operation of the schema turned into a call on a ViewStore: the values it takes
 * from the event (payload fields, envelope, constants) and the store method it runs.
 */
import type { DomainEvent } from '../events.js';
import { rowValueOf } from './column-codec.js';
import type { ViewDefinition, ViewOperation, ViewValue } from './definition.js';
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
    for (const [name, read] of readers) values[name] = read(event);
    return values;
  };
}

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
