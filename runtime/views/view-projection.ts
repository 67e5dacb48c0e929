/**
 * A view's projection: a `Projection` the ProjectionRunner runs exactly once per event. It turns
 * each consumed event into changes of the view's rows (the schema's declarative operations by
 * interpreting the definition; `custom` ones by calling the typed method the generated subclass
 * implements) through the runner's transaction, so rows and tracking commit together. On the
 * memory store the view is kept in memory: a batch changes a copy, swapped in on commit.
 */
import type { LoggedEvent } from '../notification-log.js';
import type { Application } from '../application.js';
import type { Projection } from '../projection.js';
import type { Recorder, RecorderTransaction } from '../recorder.js';
import type { SqlExecutor, ViewDefinition } from './definition.js';
import { applyFolded } from './folded-batch.js';
import { MemoryViewStore } from './memory-view-store.js';
import { SqlViewStore } from './sql-view-store.js';
import { personalShape, placeholderOf, scrubSqlView } from './view-forget.js';
import { REBUILD_SUFFIX, type SwapRebuildOptions, rebuildBySwap, swappable } from './view-swap.js';
import { prepareViewTable, recreateViewTable, storedShape } from './view-tables.js';
import { operationValues, runOperation } from './view-operations.js';
import { ViewError, type ViewStore } from './view-store.js';

/** The transaction a custom handler gets: the runner's (statements on tables of your own commit with the view). */
export type ViewTransaction = RecorderTransaction;

export abstract class ViewProjection<Row extends object, Key extends object> implements Projection {
  /** The view's name: the runner tracks its position and parks its events under it. */
  readonly name: string;
  /** The topics it consumes (sorted). */
  readonly topics: readonly string[];
  /** Whether any handler reads the events' payloads (a field, or custom code); else the log is read without them. */
  readonly payloads: boolean;
  readonly #memory: MemoryViewStore<Row, Key>;
  /** Whether this instance has checked its table (created, shape hash compared): one instance serves one store. */
  #prepared = false;

  /**
   * Declarative views are rebuilt beside the live table and swapped in (`ProjectionRunner.rebuild`,
   * and at start when the stored shape is another); views with custom handlers are rebuilt in place.
   */
  readonly rebuildAside?: (app: Application, options: SwapRebuildOptions) => Promise<void>;

  constructor(readonly definition: ViewDefinition<Row, Key>) {
    this.name = definition.name;
    this.topics = Object.keys(definition.handlers).sort();
    this.payloads = readsPayloads(definition);
    this.#memory = new MemoryViewStore(definition);
    if (swappable(definition))
      this.rebuildAside = async (app, options) => {
        await rebuildBySwap(app, definition, options);
        this.#prepared = false;
      };
  }

  /** Whether the view's table was built with another shape (its definition changed since). */
  async isStale(recorder: Recorder): Promise<boolean> {
    const stored = await recorder.transaction((tx) =>
      tx.provider === 'memory' ? Promise.resolve(undefined) : storedShape(this.definition, executorOf(tx)),
    );
    return stored !== undefined && stored !== this.definition.shapeHash;
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
    const table = new SqlViewStore(this.definition, sql);
    // A batch of declarative operations only is folded per row; custom handlers see each change as it happens.
    if (events.every((e) => this.definition.handlers[e.topic]?.kind !== 'custom'))
      return applyFolded(this.definition, events, table);
    await this.apply(events, table, tx);
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
   * Scrubs a forgotten subject (Projection.forget, run by `app.forget` once the data key is
   * deleted): the personal columns of the subject's rows take their placeholders. A subclass
   * keeping personal data in tables of its own overrides it, calling `super`.
   */
  async forget(subject: string, tx: RecorderTransaction): Promise<void> {
    const shape = personalShape(this.definition);
    if (shape === undefined) return;
    if (tx.provider !== 'memory') {
      await scrubSqlView(this.definition, executorOf(tx), subject, `${this.definition.table}${REBUILD_SUFFIX}`);
      return;
    }
    const placeholders = Object.fromEntries(shape.personal.map((c) => [c.name, placeholderOf(c)]));
    tx.onCommit(() => {
      this.#memory.setWhere(shape.subject.name, subject, placeholders);
    });
  }

  /** Whether `forget` has anything to scrub: personal columns, or a subclass's own `forget` (Projection.scrubsOnForget). */
  get scrubsOnForget(): boolean {
    return personalShape(this.definition) !== undefined || this.forget !== ViewProjection.prototype.forget;
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
        else
          for (const op of handler.ops)
            await runOperation(op, operationValues(this.definition, op, logged.event), view);
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

/** Whether a handler is custom or a declarative value names an event field. */
function readsPayloads<Row extends object, Key extends object>(definition: ViewDefinition<Row, Key>): boolean {
  return Object.values(definition.handlers).some(
    (handler) =>
      handler.kind === 'custom' || handler.ops.some((op) => Object.values(op.values).some((value) => 'field' in value)),
  );
}
