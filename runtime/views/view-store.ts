/**
 * The operations on a view's rows, typed by the generated Row and Key types, and what every
 * store shares: filling an inserted row from defaults, and refusing a row without a required value.
 */
import { EventforgeError } from '../errors.js';
import { rowValueOf } from './column-codec.js';
import type { ViewColumn, ViewDefinition } from './definition.js';

/** A new row: the key, and any other columns (the rest from defaults; lists start empty, optional columns null). */
export type ViewInsert<Row, Key> = Key & Partial<Row>;

/** Elements to append, per list column. */
export type ViewAppend<Row> = { readonly [K in keyof Row]?: Row[K] extends readonly (infer E)[] ? E : never };

export interface ViewStore<Row extends object, Key extends object> {
  readonly definition: ViewDefinition<Row, Key>;
  /** The row with the key, or undefined. */
  get(key: Key): Promise<Row | undefined>;
  /** Every row, ordered by key. */
  all(): Promise<Row[]>;
  /** Inserts a new row; a row with the same key is an error. */
  insert(row: ViewInsert<Row, Key>): Promise<void>;
  /** Inserts the row, or sets the given columns of the row with its key. */
  upsert(row: ViewInsert<Row, Key>): Promise<void>;
  /** Sets columns of the row with the key; resolves to the rows changed (0 or 1). */
  update(key: Key, values: Partial<Row>): Promise<number>;
  /** Adds to numeric columns of the row with the key. */
  increment(key: Key, by: Partial<Row>): Promise<number>;
  /** Subtracts from numeric columns of the row with the key. */
  decrement(key: Key, by: Partial<Row>): Promise<number>;
  /** Appends to list columns of the row with the key. */
  append(key: Key, values: ViewAppend<Row>): Promise<number>;
  /** Deletes the row with the key. */
  delete(key: Key): Promise<number>;
}

/** A view operation that cannot be done: names the view, the column and what to do. */
export class ViewError extends EventforgeError {
  override readonly name = 'ViewError';
}

/** The column of a row property, or a ViewError naming the view. */
export function columnOf<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  name: string,
): ViewColumn {
  const column = definition.columns.find((c) => c.name === name);
  if (column === undefined)
    throw new ViewError(
      `view ${definition.name} has no column "${name}" (its columns: ${definition.columns.map((c) => c.name).join(', ')})`,
    );
  return column;
}

/** Every column's value of a new row: given, else the default, else [] for lists and null for optional columns. */
export function completeRow<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  for (const name of Object.keys(given)) columnOf(definition, name);
  const row: Record<string, unknown> = {};
  for (const column of definition.columns) {
    const value = given[column.name];
    if (value !== undefined) row[column.name] = value;
    else if (column.default !== undefined) row[column.name] = rowValueOf(column, column.default);
    else if (column.list) row[column.name] = [];
    else if (column.optional) row[column.name] = null;
    else
      throw new ViewError(
        `view ${definition.name}: a new row needs a value for column "${column.name}" (it has no default)`,
      );
  }
  return row;
}

/** The key's values in key order; a missing one is a ViewError. */
export function keyValues<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  key: object,
): unknown[] {
  return definition.key.map((name) => {
    const value = (key as Record<string, unknown>)[name];
    if (value === undefined || value === null)
      throw new ViewError(`view ${definition.name}: the key column "${name}" has no value`);
    return value;
  });
}

/** The given columns that are not key columns. */
export function nonKeyEntries<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  values: object,
): [ViewColumn, unknown][] {
  return Object.entries(values)
    .filter(([name, value]) => value !== undefined && !(definition.key as readonly string[]).includes(name))
    .map(([name, value]) => [columnOf(definition, name), value]);
}
