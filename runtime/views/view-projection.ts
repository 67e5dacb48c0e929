/**
 * A view's projection: a `Projection` the ProjectionRunner runs exactly once per event. It turns
 * each consumed event into changes of the view's rows (the schema's declarative operations by
 * interpreting the definition; `custom` ones by calling the typed method the generated subclass
 * implements) through the runner's transaction, so rows and tracking commit together. On the
 * memory store the view is kept in memory: a batch changes a copy, swapped in on commit.
 */
import type { DomainEvent } from '../events.js';
import type { LoggedEvent } from '../notification-log.js';
import type { Projection } from '../projection.js';
import type { RecorderTransaction } from '../recorder.js';
import { rowValueOf } from './column-codec.js';
import type { SqlExecutor, ViewDefinition, ViewOperation, ViewValue } from './definition.js';
import { MemoryViewStore } from './memory-view-store.js';
import { SqlViewStore } from './sql-view-store.js';
import { prepareViewTable, recreateViewTable } from './view-tables.js';
import { ViewError, columnOf, type ViewAppend, type ViewStore } from './view-store.js';

/** The transaction a custom handler gets: the runner's (statements on tables of your own commit with the view). */
export type ViewTransaction = RecorderTransaction;

export abstract class ViewProjection<Row extends object, Key extends object> implements Projection {
  /** The view's name: the runner tracks its position and parks its events under it. */
  readonly name: string;
  /** The topics it consumes (sorted). */
  readonly topics: readonly string[];
  readonly #memory: MemoryViewStore<Row, Key>;
  /** Whether this instance has checked its table (created, shape hash compared): one instance serves one store. */
  #prepared = false;

  constructor(readonly definition: ViewDefinition<Row, Key>) {
    this.name = definition.name;
    this.topics = Object.keys(definition.handlers).sort();
    this.#memory = new MemoryViewStore(definition);
  }

  /** Applies a batch through the runner's transaction (Projection). */
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    if (tx.provider === 'memory') {
      const draft = this.#memory.clone();
      await this.apply(events, draft, tx);
      tx.onCommit(() => this.#memory.replaceWith(draft));
      return;
    }
    const sql = await this.#sql(tx);
    await this.apply(events, new SqlViewStore(this.definition, sql), tx);
  }

  /** Empties the view for a rebuild; on SQL stores the table is created anew with the current shape. */
  async reset(tx: RecorderTransaction): Promise<void> {
    if (tx.provider === 'memory') {
      tx.onCommit(() => this.#memory.clear());
      return;
    }
    await recreateViewTable(this.definition, executorOf(tx));
    tx.onCommit(() => {
      this.#prepared = true;
    });
  }

  /**
   * The view's rows, to read: in `tx` (a transaction of the store, e.g.
   * `(await app.recorder()).transaction(tx => projection.view(tx).all())`, or any SqlExecutor);
   * on the memory store the projection's own rows.
   */
  view(tx: RecorderTransaction | SqlExecutor): ViewStore<Row, Key> {
    if (tx.provider === 'memory') return this.#memory;
    return new SqlViewStore(this.definition, executorOf(tx));
  }

  /** Applies the events to `view`; custom handlers get `tx`. */
  async apply(events: readonly LoggedEvent[], view: ViewStore<Row, Key>, tx: ViewTransaction): Promise<void> {
    for (const logged of events) {
      const handler = this.definition.handlers[logged.topic];
      if (handler === undefined) continue;
      try {
        if (handler.kind === 'custom') await this.handle(logged, view, tx);
        else for (const op of handler.ops) await runOperation(this.definition, op, logged.event, view);
      } catch (error) {
        throw new ViewError(
          `view ${this.definition.name} failed on event #${logged.id} (${logged.topic}): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }

  /** The generated base class dispatches a custom event to its typed method. */
  protected handle(logged: LoggedEvent, _view: ViewStore<Row, Key>, _tx: ViewTransaction): Promise<void> {
    throw new ViewError(`view ${this.definition.name} has no handler for ${logged.topic}`);
  }

  async #sql(tx: RecorderTransaction): Promise<SqlExecutor> {
    const sql = executorOf(tx);
    if (!this.#prepared) {
      await prepareViewTable(this.definition, sql);
      // Set only once the batch commits: a rolled-back batch also rolled back the CREATE TABLE.
      tx.onCommit(() => {
        this.#prepared = true;
      });
    }
    return sql;
  }
}

/** A SQL store's transaction (or executor) as the SqlExecutor the view store writes through. */
function executorOf(tx: RecorderTransaction | SqlExecutor): SqlExecutor {
  if (tx.provider === 'memory') throw new ViewError('the in-memory store has no SQL: read the view with view(tx)');
  const provider = tx.provider;
  return { provider, execute: (sql, params) => tx.execute(sql, params), query: (sql, params) => tx.query(sql, params) };
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
