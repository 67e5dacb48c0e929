/**
 * A view's rows in memory, for applications on the memory store (tests, examples). The same
 * operations and checks as the SQL store; rows are copied in and out.
 */
import { addNumbers } from './column-codec.js';
import type { ViewDefinition } from './definition.js';
import {
  ViewError,
  completeRow,
  keyValues,
  nonKeyEntries,
  type ViewAppend,
  type ViewInsert,
  type ViewStore,
} from './view-store.js';

export class MemoryViewStore<Row extends object, Key extends object> implements ViewStore<Row, Key> {
  readonly #rows = new Map<string, Record<string, unknown>>();

  constructor(readonly definition: ViewDefinition<Row, Key>) {}

  /** A copy to change without changing this one (a batch that may roll back). */
  clone(): MemoryViewStore<Row, Key> {
    const copy = new MemoryViewStore(this.definition);
    for (const [id, row] of this.#rows) copy.#rows.set(id, { ...row });
    return copy;
  }

  /** Takes the rows of `other` (a committed clone). */
  replaceWith(other: MemoryViewStore<Row, Key>): void {
    this.#rows.clear();
    for (const [id, row] of other.#rows) this.#rows.set(id, row);
  }

  /** Removes every row. */
  clear(): void {
    this.#rows.clear();
  }

  /** Sets `values` in every row whose `column` holds `value` (a forgotten subject's rows); resolves to the rows changed. */
  setWhere(column: string, value: unknown, values: Readonly<Record<string, unknown>>): number {
    let changed = 0;
    for (const row of this.#rows.values())
      if (row[column] === value) {
        Object.assign(row, values);
        changed++;
      }
    return changed;
  }

  async get(key: Key): Promise<Row | undefined> {
    const row = this.#rows.get(this.#id(key));
    return row === undefined ? undefined : ({ ...row } as Row);
  }

  async all(): Promise<Row[]> {
    return [...this.#rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => ({ ...row }) as Row);
  }

  async insert(row: ViewInsert<Row, Key>): Promise<void> {
    const id = this.#id(row);
    if (this.#rows.has(id)) throw new ViewError(`view ${this.definition.name}: a row with key ${id} exists already`);
    this.#rows.set(id, completeRow(this.definition, row));
  }

  async upsert(row: ViewInsert<Row, Key>): Promise<void> {
    const id = this.#id(row);
    const current = this.#rows.get(id);
    if (current === undefined) this.#rows.set(id, completeRow(this.definition, row));
    else for (const [column, value] of nonKeyEntries(this.definition, row)) current[column.name] = value;
  }

  async update(key: Key, values: Partial<Row>): Promise<number> {
    const current = this.#rows.get(this.#id(key));
    if (current === undefined) return 0;
    for (const [column, value] of nonKeyEntries(this.definition, values)) current[column.name] = value;
    return 1;
  }

  increment(key: Key, by: Partial<Row>): Promise<number> {
    return this.#add(key, by, 1);
  }

  decrement(key: Key, by: Partial<Row>): Promise<number> {
    return this.#add(key, by, -1);
  }

  async append(key: Key, values: ViewAppend<Row>): Promise<number> {
    const current = this.#rows.get(this.#id(key));
    const entries = nonKeyEntries(this.definition, values);
    for (const [column] of entries)
      if (!column.list) throw new ViewError(`view ${this.definition.name}: column "${column.name}" is not a list`);
    if (current === undefined) return 0;
    for (const [column, value] of entries) current[column.name] = [...(current[column.name] as unknown[]), value];
    return 1;
  }

  async delete(key: Key): Promise<number> {
    return this.#rows.delete(this.#id(key)) ? 1 : 0;
  }

  async #add(key: Key, by: Partial<Row>, sign: 1 | -1): Promise<number> {
    const current = this.#rows.get(this.#id(key));
    const entries = nonKeyEntries(this.definition, by);
    for (const [column] of entries)
      if (column.list || !['int', 'float', 'decimal', 'bigint'].includes(column.type))
        throw new ViewError(`view ${this.definition.name}: column "${column.name}" is not a number`);
    if (current === undefined) return 0;
    for (const [column, value] of entries)
      current[column.name] = addNumbers(column.type, current[column.name], value, sign);
    return 1;
  }

  #id(key: object): string {
    return JSON.stringify(keyValues(this.definition, key).map((v) => (typeof v === 'bigint' ? `${v}n` : String(v))));
  }
}
