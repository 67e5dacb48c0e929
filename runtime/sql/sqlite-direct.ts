/**
 * The SQLite recorder's write connection when the recorder opens its file itself: better-sqlite3
 * used directly, each statement prepared once per SQL text, where Prisma's driver adapter
 * prepares every statement again (a projection's batch is the same upsert and tracking move
 * each time). It takes and returns what the adapter does — arguments converted as its `mapArg`
 * converts them (timestamps as epoch ms), rows as its `mapRow` maps them (integers as numbers, or
 * text beyond 2^53; DATETIME columns as ISO text) — and its errors are better-sqlite3's, which
 * driver-adapter.ts explains as the adapter's. A recorder on a user's adapter (`shareAdapter`)
 * keeps the adapter: a Prisma transaction may be open on that connection.
 */
import type Database from 'better-sqlite3';
import type { SqlAdapter, SqliteConnection, SqlQuery } from './driver-adapter.js';

type ResultSet = Awaited<ReturnType<SqlAdapter['queryRaw']>>;
/** How a column's values are mapped: by its declared type, or (`infer`) by its first non-NULL value. */
type ColumnKind = 'int' | 'datetime' | 'other' | 'infer';

interface Prepared {
  readonly statement: Database.Statement;
  readonly columnNames: string[];
  readonly kinds: ColumnKind[];
  /** Whether any value needs more than the bigint → number conversion. */
  readonly plain: boolean;
}

/** Statements kept; generated SQL of many shapes (IN lists, multi-row inserts) could make more. */
const MAX_PREPARED = 200;

/** The file's connection, opened with the recorder's busy timeout. */
export class SqliteDirect implements SqliteConnection {
  readonly provider = 'sqlite';
  readonly #db: Database.Database;
  readonly #prepared = new Map<string, Prepared>();

  constructor(openDatabase: typeof Database, path: string, busyTimeoutMs: number) {
    this.#db = new openDatabase(path, { timeout: busyTimeoutMs });
    // As the adapter's connection: integers come back exact, then mapped as it maps them.
    this.#db.defaultSafeIntegers(true);
  }

  /** The connection itself, for the recorder's reads (sqlite-stream-reads.ts). */
  get database(): Database.Database {
    return this.#db;
  }

  async queryRaw(query: SqlQuery): Promise<ResultSet> {
    const p = this.#statement(query.sql);
    const args = mapArgs(query);
    if (!p.statement.reader) {
      p.statement.run(...args);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
    const rows = p.statement.all(...args) as unknown[][];
    if (p.plain) for (const row of rows) mapIntegers(row);
    else mapRows(rows, p.kinds);
    return { columnNames: p.columnNames, columnTypes: [], rows };
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    return this.#statement(query.sql).statement.run(...mapArgs(query)).changes;
  }

  async executeScript(script: string): Promise<void> {
    this.#db.exec(script);
  }

  async dispose(): Promise<void> {
    this.#db.close();
  }

  #statement(sql: string): Prepared {
    let p = this.#prepared.get(sql);
    if (p !== undefined) return p;
    const statement = this.#db.prepare(sql);
    const columns = statement.reader ? statement.raw(true).columns() : [];
    const kinds = columns.map((c) => declaredKind(c.type));
    p = { statement, columnNames: columns.map((c) => c.name), kinds, plain: kinds.every((k) => k === 'other') };
    // Past the limit the oldest goes: a loop of new shapes keeps the recent ones warm.
    if (this.#prepared.size >= MAX_PREPARED) this.#prepared.delete(this.#prepared.keys().next().value!);
    this.#prepared.set(sql, p);
    return p;
  }
}

/** The adapter's `mapArg` for SQLite with `timestampFormat: 'unixepoch-ms'`. */
function mapArgs(query: SqlQuery): unknown[] {
  const { args, argTypes } = query;
  const mapped = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    const type = argTypes[i]?.scalarType;
    if (typeof arg === 'string') {
      if (type === 'int') arg = Number.parseInt(arg);
      else if (type === 'float' || type === 'decimal') arg = Number.parseFloat(arg);
      else if (type === 'bigint') arg = BigInt(arg);
      else if (type === 'datetime') arg = new Date(arg).getTime();
      else if (type === 'bytes') arg = Buffer.from(arg, 'base64');
    } else if (typeof arg === 'boolean') arg = arg ? 1 : 0;
    else if (arg instanceof Date) arg = arg.getTime();
    mapped[i] = arg;
  }
  return mapped;
}

/** The adapter's column types that its row mapping treats apart (`mapDeclType`). */
function declaredKind(declared: string | null): ColumnKind {
  switch (declared?.toUpperCase()) {
    case undefined:
    case '':
      return 'infer';
    case 'TINYINT':
    case 'SMALLINT':
    case 'MEDIUMINT':
    case 'INT':
    case 'INTEGER':
    case 'SERIAL':
    case 'INT2':
    case 'BIGINT':
    case 'UNSIGNED BIG INT':
    case 'INT8':
      return 'int';
    case 'DATETIME':
    case 'TIMESTAMP':
      return 'datetime';
    default:
      return 'other';
  }
}

/** Integers as numbers, or as text where a number would round them (in place). */
function mapIntegers(row: unknown[]): void {
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (typeof value === 'bigint') row[i] = integer(value);
  }
}

function integer(value: bigint): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** The adapter's `mapRow` (in place), its undeclared columns typed by their first non-NULL value. */
function mapRows(rows: unknown[][], declared: readonly ColumnKind[]): void {
  const kinds = declared.map((kind, i) => {
    if (kind !== 'infer') return kind;
    const first = rows.find((row) => row[i] !== null)?.[i];
    return first === undefined || typeof first === 'bigint' ? 'int' : 'other';
  });
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      const kind = kinds[i];
      if (typeof value === 'number' && kind === 'int' && !Number.isInteger(value)) row[i] = Math.trunc(value);
      else if ((typeof value === 'number' || typeof value === 'bigint') && kind === 'datetime') {
        row[i] = new Date(Number(value)).toISOString();
      } else if (typeof value === 'bigint') row[i] = integer(value);
    }
  }
}
