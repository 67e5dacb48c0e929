/**
 * A batch of declarative operations folded per row before it reaches the database: the rows the
 * batch touches are read in one statement, every operation runs on them in memory with the
 * stores' semantics (an insert of an existing key fails; update, increment, decrement and list
 * change only an existing row; upsert sets only the columns it names on an existing row), and
 * the batch's net change is written back with one multi-row upsert and one multi-row delete.
 * Catch-up then costs a few statements per batch instead of one per operation, with the final
 * rows operation-by-operation would leave. Each operation is compiled once per definition.
 */
import type { DomainEvent } from '../events.js';
import type { LoggedEvent } from '../notification-log.js';
import { addNumbers } from './column-codec.js';
import type { ViewColumn, ViewDefinition, ViewOperation } from './definition.js';
import type { SqlViewStore } from './sql-view-store.js';
import { operationValues } from './view-operations.js';
import { ViewError, columnOf, completeRow, keyValues } from './view-store.js';

type Row = Record<string, unknown>;

/** One operation, its columns looked up once. */
interface CompiledOperation {
  readonly op: ViewOperation;
  /** The non-key columns it names. */
  readonly columns: readonly ViewColumn[];
}

const NUMBER_TYPES = new Set(['int', 'float', 'decimal', 'bigint']);
const compiled = new WeakMap<ViewDefinition, Map<string, readonly CompiledOperation[]>>();

/** Applies the events' declarative operations to the table behind `table`; every handler must be declarative. */
export async function applyFolded<R extends object, K extends object>(
  typedDefinition: ViewDefinition<R, K>,
  events: readonly LoggedEvent[],
  table: SqlViewStore<R, K>,
): Promise<void> {
  // Rows are handled as records here; the table store types them again.
  const definition = typedDefinition as unknown as ViewDefinition;
  const plans = plansOf(definition);
  const planned: { logged: LoggedEvent; operation: CompiledOperation; values: Row; id: string }[] = [];
  const touched = new Map<string, K>();
  for (const logged of events) {
    const operations = plans.get(logged.topic);
    if (operations === undefined) continue;
    try {
      for (const operation of operations) {
        const values = operationValues(definition, operation.op, logged.event as DomainEvent);
        const id = idOf(definition, values);
        if (!touched.has(id)) touched.set(id, values as K);
        planned.push({ logged, operation, values, id });
      }
    } catch (error) {
      throw failure(definition, logged, error);
    }
  }
  if (planned.length === 0) return;

  const rows = new Map<string, Row>();
  for (const row of await table.getMany([...touched.values()])) rows.set(idOf(definition, row), row as Row);
  const before = new Set(rows.keys());
  for (const { logged, operation, values, id } of planned) {
    try {
      fold(definition, operation, values, id, rows);
    } catch (error) {
      throw failure(definition, logged, error);
    }
  }

  const deleted = [...before].filter((id) => !rows.has(id)).map((id) => touched.get(id)!);
  if (deleted.length > 0) await table.deleteMany(deleted);
  const written = [...touched.keys()].flatMap((id) => {
    const row = rows.get(id);
    return row === undefined ? [] : [row as R];
  });
  if (written.length > 0) await table.putMany(written);
}

/** One operation on the rows in memory, as the stores do it. */
function fold(
  definition: ViewDefinition,
  operation: CompiledOperation,
  values: Row,
  id: string,
  rows: Map<string, Row>,
) {
  const current = rows.get(id);
  const { op, columns } = operation;
  switch (op.op) {
    case 'insert':
      if (current !== undefined) throw new ViewError(`view ${definition.name}: a row with key ${id} exists already`);
      rows.set(id, completeRow(definition, values));
      return;
    case 'upsert':
      if (current === undefined) rows.set(id, completeRow(definition, values));
      else for (const c of columns) if (values[c.name] !== undefined) current[c.name] = values[c.name];
      return;
    case 'update':
      if (current !== undefined)
        for (const c of columns) if (values[c.name] !== undefined) current[c.name] = values[c.name];
      return;
    case 'increment':
    case 'decrement':
      if (current !== undefined)
        for (const c of columns)
          if (values[c.name] !== undefined)
            current[c.name] = addNumbers(c.type, current[c.name], values[c.name], op.op === 'increment' ? 1 : -1);
      return;
    case 'list':
      if (current !== undefined)
        for (const c of columns)
          if (values[c.name] !== undefined) current[c.name] = [...(current[c.name] as unknown[]), values[c.name]];
      return;
    case 'delete':
      rows.delete(id);
      return;
  }
}

/** The definition's operations by topic, compiled and checked once. */
function plansOf(definition: ViewDefinition): Map<string, readonly CompiledOperation[]> {
  let plans = compiled.get(definition);
  if (plans !== undefined) return plans;
  plans = new Map();
  const key = new Set<string>(definition.key);
  for (const [topic, handler] of Object.entries(definition.handlers)) {
    if (handler.kind !== 'declarative') continue;
    plans.set(
      topic,
      handler.ops.map((op) => {
        const columns = Object.keys(op.values)
          .filter((name) => !key.has(name))
          .map((name) => columnOf(definition, name));
        for (const c of columns) {
          if ((op.op === 'increment' || op.op === 'decrement') && (c.list || !NUMBER_TYPES.has(c.type)))
            throw new ViewError(`view ${definition.name}: column "${c.name}" is not a number`);
          if (op.op === 'list' && !c.list)
            throw new ViewError(`view ${definition.name}: column "${c.name}" is not a list`);
        }
        return { op, columns };
      }),
    );
  }
  compiled.set(definition, plans);
  return plans;
}

/** The key's identity in the batch: its values (a missing one is a ViewError), typed so 1 and "1" differ. */
function idOf(definition: ViewDefinition, values: object): string {
  if (definition.key.length === 1) {
    const value = (values as Record<string, unknown>)[definition.key[0]!];
    if (typeof value === 'string') return `s${value}`;
  }
  return keyValues(definition, values).map(keyPart).join('\u0000');
}

const keyPart = (value: unknown): string =>
  typeof value === 'string'
    ? `s${value}`
    : value instanceof Date
      ? `d${value.getTime()}`
      : `${typeof value}${String(value)}`;

/** The error of an event's operation, naming the view, the event's id and topic. */
function failure(definition: { readonly name: string }, logged: LoggedEvent, error: unknown): ViewError {
  return new ViewError(
    `view ${definition.name} failed on event #${logged.id} (${logged.topic}): ${(error as Error).message}`,
    { cause: error },
  );
}
