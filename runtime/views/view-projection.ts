/**
 * A view's projection: turns each consumed event of the log into changes of the view's rows,
 * the declarative operations of the schema by interpreting the definition, `custom` ones by
 * calling the typed method the generated subclass implements. It writes through a ViewStore
 * built on the caller's transaction, so the rows and the caller's tracking commit together.
 */
import type { DomainEvent } from '../events.js';
import type { LoggedEvent } from '../notification-log.js';
import { rowValueOf } from './column-codec.js';
import type { SqlExecutor, ViewDefinition, ViewOperation, ViewValue } from './definition.js';
import { SqlViewStore } from './sql-view-store.js';
import { ViewError, columnOf, type ViewAppend, type ViewStore } from './view-store.js';

export abstract class ViewProjection<Row extends object, Key extends object> {
  /** The view's name: what a runner tracks its position under. */
  readonly name: string;
  /** The topics it consumes (sorted). */
  readonly topics: readonly string[];

  constructor(readonly definition: ViewDefinition<Row, Key>) {
    this.name = definition.name;
    this.topics = Object.keys(definition.handlers).sort();
  }

  /** Applies the events to the view's table through `tx` (a transaction the caller commits). */
  process(events: readonly LoggedEvent[], tx: SqlExecutor): Promise<void> {
    return this.apply(events, new SqlViewStore(this.definition, tx), tx);
  }

  /** Applies the events to `view`; custom handlers also get `tx` for the caller's own tables. */
  async apply(events: readonly LoggedEvent[], view: ViewStore<Row, Key>, tx?: SqlExecutor): Promise<void> {
    for (const logged of events) {
      const handler = this.definition.handlers[logged.topic];
      if (handler === undefined) continue;
      try {
        if (handler.kind === 'custom') await this.handle(logged, view, tx);
        else for (const op of handler.ops) await runOperation(this.definition, op, logged.event, view);
      } catch (error) {
        if (error instanceof ViewError) throw error;
        throw new ViewError(
          `view ${this.definition.name} failed on event #${logged.id} (${logged.topic}): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }

  /** The generated base class dispatches a custom event to its typed method. */
  protected handle(logged: LoggedEvent, _view: ViewStore<Row, Key>, _tx: SqlExecutor | undefined): Promise<void> {
    throw new ViewError(`view ${this.definition.name} has no handler for ${logged.topic}`);
  }
}

/** One declarative operation on the row its key values name. */
async function runOperation<Row extends object, Key extends object>(
  definition: ViewDefinition<Row, Key>,
  op: ViewOperation,
  event: DomainEvent,
  view: ViewStore<Row, Key>,
): Promise<void> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(op.values)) values[name] = valueOf(definition, name, value, event, op);
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

function valueOf<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  name: string,
  value: ViewValue,
  event: DomainEvent,
  op: ViewOperation,
): unknown {
  const column = columnOf(definition, name);
  if ('field' in value) {
    let current: unknown = event.data;
    for (const part of value.field)
      current = current === null || current === undefined ? undefined : (current as Record<string, unknown>)[part];
    return current ?? null;
  }
  if ('envelope' in value) {
    if (value.envelope === 'id') return event.originatorId;
    if (value.envelope === 'timestamp') return event.timestamp;
    return column.type === 'bigint' ? BigInt(event.originatorVersion) : event.originatorVersion;
  }
  // A list operation appends one element: the constant is an element, not a list.
  const elementColumn = op.op === 'list' && column.list ? { ...column, list: false } : column;
  return rowValueOf(elementColumn, value.constant);
}
