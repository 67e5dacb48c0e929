/**
 * A view's rows in a SQLite or PostgreSQL table, through a SqlExecutor (a connection or the
 * projection's transaction). Statements are built once per shape and reused.
 */
import type { SqlValue } from '../recorder.js';
import { addNumbers, fromSql, jsonElementOf, toSql } from './column-codec.js';
import type { SqlExecutor, ViewColumn, ViewDefinition } from './definition.js';
import {
  ViewError,
  columnOf,
  completeRow,
  keyValues,
  nonKeyEntries,
  type ViewAppend,
  type ViewInsert,
  type ViewStore,
} from './view-store.js';

const quoted = (name: string): string => `"${name}"`;

export class SqlViewStore<Row extends object, Key extends object> implements ViewStore<Row, Key> {
  readonly #sql: SqlExecutor;
  readonly #select: string;
  readonly #where: string;
  readonly #keyColumns: readonly ViewColumn[];

  constructor(
    readonly definition: ViewDefinition<Row, Key>,
    executor: SqlExecutor,
  ) {
    this.#sql = executor;
    const pg = executor.provider === 'postgresql';
    // PostgreSQL's driver would turn a date into a local-time Date: read it as text, as rows hold it.
    this.#select = definition.columns
      .map((c) =>
        pg && c.type === 'date' && !c.list ? `${quoted(c.column)}::text AS ${quoted(c.column)}` : quoted(c.column),
      )
      .join(', ');
    this.#keyColumns = definition.key.map((name) => columnOf(definition, name));
    this.#where = this.#keyColumns.map((c, i) => `${quoted(c.column)} = ${this.#placeholder(i + 1)}`).join(' AND ');
  }

  /** Creates the table and its indexes when they do not exist. */
  async createTable(): Promise<void> {
    for (const statement of this.definition.ddl[this.#sql.provider]) await this.#sql.execute(statement, []);
  }

  async get(key: Key): Promise<Row | undefined> {
    const rows = await this.#sql.query(
      `SELECT ${this.#select} FROM ${quoted(this.definition.table)} WHERE ${this.#where}`,
      this.#keyParams(key),
    );
    return rows[0] === undefined ? undefined : this.#row(rows[0]);
  }

  async all(): Promise<Row[]> {
    const order = this.#keyColumns.map((c) => quoted(c.column)).join(', ');
    const rows = await this.#sql.query(
      `SELECT ${this.#select} FROM ${quoted(this.definition.table)} ORDER BY ${order}`,
      [],
    );
    return rows.map((r) => this.#row(r));
  }

  async insert(row: ViewInsert<Row, Key>): Promise<void> {
    await this.#insert(row, undefined);
  }

  async upsert(row: ViewInsert<Row, Key>): Promise<void> {
    const changed = nonKeyEntries(this.definition, row).map(([c]) => c);
    try {
      await this.#insert(row, changed);
    } catch (error) {
      // Not a complete new row: it can still set columns of the row that exists.
      if (error instanceof ViewError && (await this.update(row, row)) === 1) return;
      throw error;
    }
  }

  async update(key: Key, values: Partial<Row>): Promise<number> {
    const entries = nonKeyEntries(this.definition, values);
    if (entries.length === 0) return 0;
    const params: SqlValue[] = [];
    const sets = entries.map(([column, value]) => {
      params.push(toSql(this.#sql.provider, column, value));
      return `${quoted(column.column)} = ${this.#placeholder(params.length)}`;
    });
    return this.#updateWhere(sets, params, key);
  }

  increment(key: Key, by: Partial<Row>): Promise<number> {
    return this.#add(key, by, 1);
  }

  decrement(key: Key, by: Partial<Row>): Promise<number> {
    return this.#add(key, by, -1);
  }

  async append(key: Key, values: ViewAppend<Row>): Promise<number> {
    const entries = nonKeyEntries(this.definition, values);
    for (const [column] of entries)
      if (!column.list) throw new ViewError(`view ${this.definition.name}: column "${column.name}" is not a list`);
    if (entries.length === 0) return 0;
    // Appended in the database (one statement, no read): SQLite's json_insert at `$[#]`, PostgreSQL's jsonb `||`.
    const params: SqlValue[] = [];
    const sets = entries.map(([column, value]) => {
      params.push(JSON.stringify(jsonElementOf(column, value)));
      const element = this.#placeholder(params.length);
      const name = quoted(column.column);
      return this.#sql.provider === 'sqlite'
        ? `${name} = json_insert(${name}, '$[#]', json(${element}))`
        : `${name} = ${name} || jsonb_build_array(${element}::jsonb)`;
    });
    return this.#updateWhere(sets, params, key);
  }

  async delete(key: Key): Promise<number> {
    return this.#sql.execute(`DELETE FROM ${quoted(this.definition.table)} WHERE ${this.#where}`, this.#keyParams(key));
  }

  async #insert(given: object, updateColumns: readonly ViewColumn[] | undefined): Promise<void> {
    const row = completeRow(this.definition, given as Record<string, unknown>);
    const columns = this.definition.columns;
    const params = columns.map((c) => toSql(this.#sql.provider, c, row[c.name]));
    let sql = `INSERT INTO ${quoted(this.definition.table)} (${columns.map((c) => quoted(c.column)).join(', ')}) VALUES (${columns.map((_, i) => this.#placeholder(i + 1)).join(', ')})`;
    if (updateColumns !== undefined) {
      const conflict = this.#keyColumns.map((c) => quoted(c.column)).join(', ');
      sql +=
        updateColumns.length === 0
          ? ` ON CONFLICT (${conflict}) DO NOTHING`
          : ` ON CONFLICT (${conflict}) DO UPDATE SET ${updateColumns.map((c) => `${quoted(c.column)} = excluded.${quoted(c.column)}`).join(', ')}`;
    }
    await this.#sql.execute(sql, params);
  }

  async #add(key: Key, by: Partial<Row>, sign: 1 | -1): Promise<number> {
    const entries = nonKeyEntries(this.definition, by);
    for (const [column] of entries)
      if (column.list || !['int', 'float', 'decimal', 'bigint'].includes(column.type))
        throw new ViewError(`view ${this.definition.name}: column "${column.name}" is not a number`);
    if (entries.length === 0) return 0;
    // SQLite's arithmetic on decimal text would go through floating point: add exactly here instead.
    if (this.#sql.provider === 'sqlite' && entries.some(([c]) => c.type === 'decimal')) {
      const current = await this.get(key);
      if (current === undefined) return 0;
      const sums = Object.fromEntries(
        entries.map(([c, v]) => [c.name, addNumbers(c.type, (current as Record<string, unknown>)[c.name], v, sign)]),
      );
      return this.update(key, sums as Partial<Row>);
    }
    const params: SqlValue[] = [];
    const sets = entries.map(([column, value]) => {
      params.push(toSql(this.#sql.provider, column, value));
      const operand = this.#placeholder(params.length);
      return `${quoted(column.column)} = ${quoted(column.column)} ${sign === 1 ? '+' : '-'} ${operand}`;
    });
    return this.#updateWhere(sets, params, key);
  }

  /** `UPDATE … SET <sets> WHERE <key>`: the key's parameters follow those of the sets. */
  #updateWhere(sets: readonly string[], params: SqlValue[], key: Key): Promise<number> {
    const keyParams = this.#keyParams(key);
    const where = this.#keyColumns
      .map((c, i) => `${quoted(c.column)} = ${this.#placeholder(params.length + i + 1)}`)
      .join(' AND ');
    return this.#sql.execute(`UPDATE ${quoted(this.definition.table)} SET ${sets.join(', ')} WHERE ${where}`, [
      ...params,
      ...keyParams,
    ]);
  }

  #keyParams(key: Key): SqlValue[] {
    const values = keyValues(this.definition, key);
    return this.#keyColumns.map((c, i) => toSql(this.#sql.provider, c, values[i]));
  }

  #placeholder(n: number): string {
    return this.#sql.provider === 'postgresql' ? `$${n}` : '?';
  }

  #row(raw: Record<string, unknown>): Row {
    const row: Record<string, unknown> = {};
    for (const column of this.definition.columns) row[column.name] = fromSql(column, raw[column.column]);
    return row as Row;
  }
}
