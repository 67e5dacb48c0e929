/**
 * A batch of declarative operations folded per row before it reaches the database: the rows the
 * batch touches are read in one statement, every operation runs on them in memory (the memory
 * store's semantics, which are the SQL store's), and the batch's net change is written back with
 * one multi-row upsert and one multi-row delete. Catch-up then costs a few statements per batch
 * instead of one per operation, and the final rows are those operation-by-operation would leave.
 */
import type { LoggedEvent } from '../notification-log.js';
import type { ViewDefinition, ViewOperation } from './definition.js';
import { MemoryViewStore } from './memory-view-store.js';
import type { SqlViewStore } from './sql-view-store.js';
import { operationValues, runOperation } from './view-operations.js';
import { ViewError } from './view-store.js';

interface PlannedOperation {
  readonly logged: LoggedEvent;
  readonly op: ViewOperation;
  readonly values: Record<string, unknown>;
}

/** Applies the events' declarative operations to the table behind `table`; every handler must be declarative. */
export async function applyFolded<Row extends object, Key extends object>(
  definition: ViewDefinition<Row, Key>,
  events: readonly LoggedEvent[],
  table: SqlViewStore<Row, Key>,
): Promise<void> {
  const planned: PlannedOperation[] = [];
  for (const logged of events) {
    const handler = definition.handlers[logged.topic];
    if (handler === undefined || handler.kind !== 'declarative') continue;
    for (const op of handler.ops)
      planned.push({
        logged,
        op,
        values: located(definition, logged, () => operationValues(definition, op, logged.event)),
      });
  }
  if (planned.length === 0) return;

  const rows = new MemoryViewStore(definition);
  const touched = new Map<string, Key>();
  for (const { logged, values } of planned) {
    const id = located(definition, logged, () => rows.idOf(values));
    if (!touched.has(id)) touched.set(id, values as Key);
  }
  rows.load(await table.getMany([...touched.values()]));
  const before = new Set(rows.rowsById().keys());

  for (const { logged, op, values } of planned)
    await locatedAsync(definition, logged, () => runOperation(op, values, rows));

  const after = rows.rowsById();
  const deleted = [...before].filter((id) => !after.has(id)).map((id) => touched.get(id)!);
  if (deleted.length > 0) await table.deleteMany(deleted);
  const written = [...touched.keys()].flatMap((id) => {
    const row = after.get(id);
    return row === undefined ? [] : [row as Row];
  });
  if (written.length > 0) await table.putMany(written);
}

/** The error of an event's operation, naming the view, the event's id and topic. */
function failure(definition: { readonly name: string }, logged: LoggedEvent, error: unknown): ViewError {
  return new ViewError(
    `view ${definition.name} failed on event #${logged.id} (${logged.topic}): ${(error as Error).message}`,
    { cause: error },
  );
}

function located<T>(definition: { readonly name: string }, logged: LoggedEvent, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw failure(definition, logged, error);
  }
}

async function locatedAsync<T>(
  definition: { readonly name: string },
  logged: LoggedEvent,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw failure(definition, logged, error);
  }
}
