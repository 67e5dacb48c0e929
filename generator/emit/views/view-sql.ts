/**
 * A view's table as each database and Prisma declare it: column names and types, the CREATE
 * TABLE and CREATE INDEX statements (idempotent), and the shape hash that changes whenever the
 * stored shape does. Index and key names follow Prisma's conventions (`<table>_pkey`,
 * `<table>_<columns>_idx`, `<table>_<columns>_key`).
 */
import { createHash } from 'node:crypto';
import type { FieldDef, ScalarKind, TypeRef, ViewDef } from '../../ir/model.js';

export type SqlProvider = 'sqlite' | 'postgresql';
export const SQL_PROVIDERS: readonly SqlProvider[] = ['sqlite', 'postgresql'];

/** A column's type as the runtime names it: a scalar, `enum`, and whether it is a list. */
export function columnType(type: TypeRef): { readonly type: ScalarKind | 'enum'; readonly list: boolean } {
  const element = type.kind === 'list' ? type.element : type;
  const name = element.kind === 'scalar' ? element.scalar : 'enum';
  return { type: name, list: type.kind === 'list' };
}

/** `trickCount` → `trick_count`. */
export function sqlName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const SQLITE_TYPES: Readonly<Record<ScalarKind | 'enum', string>> = {
  string: 'TEXT',
  uuid: 'TEXT',
  date: 'TEXT',
  enum: 'TEXT',
  int: 'INTEGER',
  bigint: 'INTEGER',
  float: 'REAL',
  // Exact: SQLite's numeric affinity would round long decimals through floating point.
  decimal: 'TEXT',
  boolean: 'BOOLEAN',
  // Epoch milliseconds, as the event store (Prisma's `unixepoch-ms`).
  datetime: 'DATETIME',
  bytes: 'BLOB',
  json: 'JSONB',
};

const POSTGRES_TYPES: Readonly<Record<ScalarKind | 'enum', string>> = {
  string: 'text',
  uuid: 'text',
  date: 'date',
  enum: 'text',
  int: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  boolean: 'boolean',
  datetime: 'timestamptz(3)',
  bytes: 'bytea',
  json: 'jsonb',
};

const PRISMA_TYPES: Readonly<Record<ScalarKind | 'enum', string>> = {
  string: 'String',
  uuid: 'String',
  date: 'String',
  enum: 'String',
  int: 'Int',
  bigint: 'BigInt',
  float: 'Float',
  decimal: 'Decimal',
  boolean: 'Boolean',
  datetime: 'DateTime',
  bytes: 'Bytes',
  json: 'Json',
};

function sqlType(provider: SqlProvider, column: FieldDef): string {
  const { type, list } = columnType(column.type);
  if (list) return provider === 'sqlite' ? 'JSONB' : 'jsonb';
  return (provider === 'sqlite' ? SQLITE_TYPES : POSTGRES_TYPES)[type];
}

/** The Prisma field type of a column (lists are Json). */
export function prismaType(column: FieldDef): string {
  const { type, list } = columnType(column.type);
  return (list ? 'Json' : PRISMA_TYPES[type]) + (column.optional ? '?' : '');
}

const q = (name: string): string => `"${name}"`;
const columnList = (names: readonly string[]): string => names.map((n) => q(sqlName(n))).join(', ');

/** The statements that create the view's table and indexes when they do not exist. */
export function viewDdl(view: ViewDef, provider: SqlProvider): string[] {
  const columns = view.columns.map(
    (c) => `${q(sqlName(c.name))} ${sqlType(provider, c)}${c.optional ? '' : ' NOT NULL'}`,
  );
  const primaryKey = `CONSTRAINT ${q(`${view.table}_pkey`)} PRIMARY KEY (${columnList(view.key)})`;
  const indexName = (names: readonly string[], suffix: string): string =>
    q(`${view.table}_${names.map(sqlName).join('_')}_${suffix}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${q(view.table)} (${[...columns, primaryKey].join(', ')})`,
    ...view.unique.map(
      (names) =>
        `CREATE UNIQUE INDEX IF NOT EXISTS ${indexName(names, 'key')} ON ${q(view.table)} (${columnList(names)})`,
    ),
    ...view.indexes.map(
      (names) => `CREATE INDEX IF NOT EXISTS ${indexName(names, 'idx')} ON ${q(view.table)} (${columnList(names)})`,
    ),
  ];
}

/**
 * A hash of what the table stores: columns, types, nullability, key and indexes (not
 * descriptions, not handlers), and which columns are personal: a view that starts treating a
 * column as personal is rebuilt, so rows of subjects forgotten before hold the placeholder too.
 */
export function shapeHash(view: ViewDef): string {
  const shape = {
    table: view.table,
    columns: view.columns.map((c) => [sqlName(c.name), columnType(c.type), c.optional, ...(c.pii ? ['personal'] : [])]),
    key: view.key,
    indexes: view.indexes,
    unique: view.unique,
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
