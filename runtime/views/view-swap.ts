/**
 * A view rebuilt beside the live one: replayed from the start of the log into a shadow table
 * under a tracking name of its own, then swapped in, in one transaction that drops the old table,
 * renames the shadow's table and indexes, records the shape and moves the tracking position.
 * Readers see the old rows until that commit and the new ones after it, never a half-built view.
 */
import type { Application } from '../application.js';
import { EventforgeError } from '../errors.js';
import type { LoggedEvent } from '../notification-log.js';
import { PROJECTION_UPSTREAM, type Projection, ProjectionRunner } from '../projection.js';
import type { RecorderTransaction } from '../recorder.js';
import type { SqlExecutor, ViewDefinition } from './definition.js';
import { applyFolded } from './folded-batch.js';
import { SqlViewStore } from './sql-view-store.js';
import { personalShape, scrubSqlView } from './view-forget.js';
import { prepareViewTable } from './view-tables.js';

/** The suffix of a shadow table's (and its tracking name's) name while it is rebuilt. */
export const REBUILD_SUFFIX = '__rebuild';

export interface SwapRebuildOptions {
  /** Events per transaction while replaying (the runner's batch size). */
  readonly batchSize?: number;
  /** Stops the live projection's runner just before the swap (it is restarted by the caller). */
  readonly stopLive?: () => Promise<void>;
  /** How long to wait for the replay to reach the head, in ms. */
  readonly timeout?: number;
}

/** Whether a view can be rebuilt by swap: custom handlers may write tables of their own, which a replay would write twice. */
export function swappable<R extends object, K extends object>(definition: ViewDefinition<R, K>): boolean {
  return Object.values(definition.handlers).every((h) => h.kind === 'declarative');
}

/** Rebuilds a declarative view into a shadow table and swaps it in once caught up. */
export async function rebuildBySwap<R extends object, K extends object>(
  app: Application,
  definition: ViewDefinition<R, K>,
  options: SwapRebuildOptions = {},
): Promise<void> {
  if (!swappable(definition))
    throw new EventforgeError(
      `view ${definition.name} has custom handlers, whose own tables a replay beside it would write twice: ` +
        "rebuild it in place with the application's ProjectionRunner.rebuild() (after emptying those tables)",
    );
  const shadow = shadowOf(definition);
  const recorder = await app.recorder();
  await recorder.transaction(async (tx) => {
    if (tx.provider === 'memory')
      throw new EventforgeError(
        `view ${definition.name} cannot be rebuilt on the in-memory store: memory starts empty, start a new application`,
      );
    await tx.execute(`DROP TABLE IF EXISTS "${shadow.table}"`);
    await tx.execute('CREATE TABLE IF NOT EXISTS eventforge_views (name TEXT PRIMARY KEY, shape_hash TEXT NOT NULL)');
    await tx.execute(`DELETE FROM eventforge_views WHERE name = ${p(tx, 1)}`, [shadow.name]);
    await tx.execute(`DELETE FROM tracking WHERE application = ${p(tx, 1)}`, [shadow.name]);
    await tx.execute(`DELETE FROM parked_events WHERE projection = ${p(tx, 1)}`, [shadow.name]);
    // The replay reads subjects forgotten so far redacted; forgets from now on it scrubs itself.
    await tx.execute(`DELETE FROM forget_watermarks WHERE application = ${p(tx, 1)}`, [shadow.name]);
    const { head } = await tx.forgets.positions(shadow.name, PROJECTION_UPSTREAM);
    await tx.forgets.advance(shadow.name, PROJECTION_UPSTREAM, head);
  });
  const runnerOptions = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
  const timeout = options.timeout ?? 3_600_000;
  const replay = async () => {
    const runner = new ProjectionRunner(app, new ShadowProjection(shadow), runnerOptions);
    await runner.start();
    try {
      await runner.wait(await app.log.maxId(), { timeout });
    } finally {
      await runner.stop();
    }
  };
  // Most of the log while the live view keeps serving; the rest once its runner has stopped.
  await replay();
  await options.stopLive?.();
  await replay();
  await recorder.transaction((tx) => swapIn(definition, shadow, tx));
}

/** The shadow of a definition: its table, index and constraint names and its tracking name suffixed. */
export function shadowOf<R extends object, K extends object>(definition: ViewDefinition<R, K>): ViewDefinition<R, K> {
  const rename = (statement: string) =>
    statement
      .replaceAll(`"${definition.table}"`, `"${definition.table}${REBUILD_SUFFIX}"`)
      .replace(
        new RegExp(`(CONSTRAINT|INDEX IF NOT EXISTS) "${escaped(definition.table)}_`, 'g'),
        `$1 "${definition.table}${REBUILD_SUFFIX}_`,
      );
  return {
    ...definition,
    name: `${definition.name}${REBUILD_SUFFIX}`,
    table: `${definition.table}${REBUILD_SUFFIX}`,
    ddl: { sqlite: definition.ddl.sqlite.map(rename), postgresql: definition.ddl.postgresql.map(rename) },
  };
}

/** The swap, in the caller's transaction. */
async function swapIn<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  shadow: ViewDefinition<R, K>,
  tx: RecorderTransaction,
): Promise<void> {
  if (tx.provider === 'memory') return;
  await tx.execute(`DROP TABLE IF EXISTS "${definition.table}"`);
  await tx.execute(`ALTER TABLE "${shadow.table}" RENAME TO "${definition.table}"`);
  const shadowNames = namesIn(shadow.ddl[tx.provider]);
  const liveNames = namesIn(definition.ddl[tx.provider]);
  if (tx.provider === 'postgresql') {
    // The primary key's index carries the constraint's name: renaming the constraint renames both.
    for (const [i, name] of shadowNames.constraints.entries())
      await tx.execute(
        `ALTER TABLE "${definition.table}" RENAME CONSTRAINT "${name}" TO "${liveNames.constraints[i]}"`,
      );
    for (const [i, name] of shadowNames.indexes.entries())
      await tx.execute(`ALTER INDEX "${name}" RENAME TO "${liveNames.indexes[i]}"`);
  } else {
    // SQLite cannot rename an index: the shadow's are dropped and the live ones created.
    for (const name of shadowNames.indexes) await tx.execute(`DROP INDEX IF EXISTS "${name}"`);
    for (const statement of definition.ddl.sqlite) await tx.execute(statement);
  }
  await tx.execute(`DELETE FROM eventforge_views WHERE name IN (${p(tx, 1)}, ${p(tx, 2)})`, [
    definition.name,
    shadow.name,
  ]);
  await tx.execute(`INSERT INTO eventforge_views (name, shape_hash) VALUES (${p(tx, 1)}, ${p(tx, 2)})`, [
    definition.name,
    definition.shapeHash,
  ]);
  // The shadow's tracking position, forget watermark and parked events become the view's; the old
  // table's go with it (parked events belong to the history that was replayed).
  // (An application of the same name keeps its rows: theirs have another upstream.)
  for (const [table, column, upstream] of [
    ['tracking', 'application', PROJECTION_UPSTREAM],
    ['forget_watermarks', 'application', PROJECTION_UPSTREAM],
    ['parked_events', 'projection', undefined],
  ] as const) {
    const ofView = upstream === undefined ? '' : ` AND upstream = ${p(tx, 2)}`;
    await tx.execute(`DELETE FROM ${table} WHERE ${column} = ${p(tx, 1)}${ofView}`, [
      definition.name,
      ...(upstream === undefined ? [] : [upstream]),
    ]);
    await tx.execute(`UPDATE ${table} SET ${column} = ${p(tx, 1)} WHERE ${column} = ${p(tx, 2)}`, [
      definition.name,
      shadow.name,
    ]);
  }
}

/** The constraint and index names the DDL creates, in order. */
function namesIn(ddl: readonly string[]): { constraints: string[]; indexes: string[] } {
  const all = (pattern: RegExp) => ddl.flatMap((s) => [...s.matchAll(pattern)].map((m) => m[1]!));
  return { constraints: all(/CONSTRAINT "([^"]+)"/g), indexes: all(/INDEX IF NOT EXISTS "([^"]+)"/g) };
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const p = (tx: RecorderTransaction, n: number): string => (tx.provider === 'postgresql' ? `$${n}` : '?');

/** The shadow's projection: the declarative operations only (swappable views have no others), folded per batch. */
class ShadowProjection<R extends object, K extends object> implements Projection {
  readonly name: string;
  readonly topics: readonly string[];
  #prepared = false;

  constructor(readonly definition: ViewDefinition<R, K>) {
    this.name = definition.name;
    this.topics = Object.keys(definition.handlers).sort();
  }

  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    if (tx.provider === 'memory') throw new EventforgeError('unreachable: a shadow view on the in-memory store');
    const provider = tx.provider;
    const sql: SqlExecutor = { provider, execute: (s, v) => tx.execute(s, v), query: (s, v) => tx.query(s, v) };
    if (!this.#prepared) {
      await prepareViewTable(this.definition, sql);
      tx.onCommit(() => {
        this.#prepared = true;
      });
    }
    await applyFolded(this.definition, events, new SqlViewStore(this.definition, sql));
  }

  /** Only a view with personal columns has anything to scrub (swappable views have no custom `forget`). */
  get scrubsOnForget(): boolean {
    return personalShape(this.definition) !== undefined;
  }

  /** Scrubs the shadow table: its runner keeps a forget watermark of its own until the swap. */
  async forget(subject: string, tx: RecorderTransaction): Promise<void> {
    if (tx.provider === 'memory') return;
    const provider = tx.provider;
    const sql: SqlExecutor = { provider, execute: (s, v) => tx.execute(s, v), query: (s, v) => tx.query(s, v) };
    await scrubSqlView(this.definition, sql, subject, `${this.definition.table}${REBUILD_SUFFIX}`);
  }
}
