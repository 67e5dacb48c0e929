/**
 * View models of the Prisma artifacts: every name, type, quote, padding and separator is decided
 * here, so the templates only loop and interpolate.
 */
import { generatedHeader } from '../types.js';
import { STORE_TABLES, type ColumnDef, type ColumnKind, type TableDef } from './tables.js';

/** The databases the event store runs on, as Prisma names their providers. */
export type Provider = 'sqlite' | 'postgresql';
export const PROVIDERS: readonly Provider[] = ['sqlite', 'postgresql'];

const SQL_TYPE: Record<Provider, Record<ColumnKind, string>> = {
  sqlite: {
    logId: 'INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT',
    text: 'TEXT NOT NULL',
    int: 'INTEGER NOT NULL',
    bigint: 'BIGINT NOT NULL',
    timestamp: 'DATETIME NOT NULL',
    bytes: 'BLOB NOT NULL',
  },
  postgresql: {
    logId: 'BIGSERIAL NOT NULL',
    text: 'TEXT NOT NULL',
    int: 'INTEGER NOT NULL',
    bigint: 'BIGINT NOT NULL',
    timestamp: 'TIMESTAMPTZ(3) NOT NULL',
    bytes: 'BYTEA NOT NULL',
  },
};

const PRISMA_TYPE: Record<ColumnKind, string> = {
  logId: 'BigInt',
  text: 'String',
  int: 'Int',
  bigint: 'BigInt',
  timestamp: 'DateTime',
  bytes: 'Bytes',
};

const TIMESTAMP_DOC: Record<Provider, string> = {
  sqlite: "Unix epoch milliseconds: give PrismaBetterSqlite3 `{ timestampFormat: 'unixepoch-ms' }`.",
  postgresql: 'Stored with time zone, millisecond precision.',
};

function quote(name: string): string {
  return `"${name}"`;
}

function columnOf(table: TableDef, field: string): string {
  const column = table.columns.find((c) => c.field === field);
  if (column === undefined) throw new Error(`InternalError: ${table.model} has no field ${field}; this is a bug`);
  return column.column;
}

export interface MigrationView {
  readonly header: string;
  readonly provider: string;
  readonly tables: readonly { readonly name: string; readonly body: readonly string[] }[];
  readonly indexes: readonly string[];
}

/** `migration.sql` of one provider, in the layout `prisma migrate dev` writes. */
export function migrationView(provider: Provider): MigrationView {
  const separator = provider === 'postgresql' ? ',' : ', ';
  const tables = STORE_TABLES.map((table) => {
    const columns = table.columns.map((c) => `    ${quote(c.column)} ${SQL_TYPE[provider][c.kind]}`);
    const keyColumns = table.compositeKey?.map((f) => quote(columnOf(table, f))).join(separator);
    const hasLogId = table.columns.some((c) => c.kind === 'logId');
    let key: string | undefined;
    if (keyColumns !== undefined) {
      key = provider === 'postgresql' ? `CONSTRAINT ${quote(`${table.table}_pkey`)} PRIMARY KEY (${keyColumns})` : `PRIMARY KEY (${keyColumns})`;
    } else if (hasLogId && provider === 'postgresql') {
      const id = table.columns.find((c) => c.kind === 'logId')!;
      key = `CONSTRAINT ${quote(`${table.table}_pkey`)} PRIMARY KEY (${quote(id.column)})`;
    }
    const body = key === undefined ? withCommas(columns) : [...withCommas([...columns, '']).slice(0, -1), '', `    ${key}`];
    return { name: quote(table.table), body };
  });
  const indexes = STORE_TABLES.flatMap((table) =>
    table.unique.map((fields) => {
      const columns = fields.map((f) => columnOf(table, f));
      const name = `${table.table}_${columns.join('_')}_key`;
      return `CREATE UNIQUE INDEX ${quote(name)} ON ${quote(table.table)}(${columns.map(quote).join(', ')});`;
    }),
  );
  return {
    header: generatedHeader('generator/emit/prisma/templates/migration.sql.hbs', '--'),
    provider,
    tables,
    indexes,
  };
}

/** Appends a comma to every line but the last. */
function withCommas(lines: readonly string[]): string[] {
  return lines.map((line, i) => (i < lines.length - 1 && line !== '' ? `${line},` : line));
}

export interface SchemaView {
  readonly header: string;
  readonly provider: string;
  /** Settings of the `generator client` block, aligned. */
  readonly generator: readonly string[];
  readonly models: readonly {
    readonly doc: string;
    readonly name: string;
    /** Field lines (with their `///` docs), aligned. */
    readonly lines: readonly string[];
    readonly attributes: readonly string[];
  }[];
}

/** `schema.prisma` of one provider; `clientOutput` is where `prisma generate` writes the client. */
export function schemaView(provider: Provider, clientOutput: string): SchemaView {
  const generator = aligned([
    ['provider', '= "prisma-client"'],
    ['output', `= "${clientOutput}"`],
    ['runtime', '= "nodejs"'],
    ['moduleFormat', '= "esm"'],
    ['importFileExtension', '= "js"'],
  ]);
  const models = STORE_TABLES.map((table) => {
    const rows = table.columns.map((c) => [c.field, PRISMA_TYPE[c.kind], fieldAttributes(provider, c)] as const);
    const fieldLines = aligned(rows.map(([field, type, attrs]) => (attrs === '' ? [field, type] : [field, type, attrs])));
    const lines = table.columns.flatMap((c, i) => {
      const doc = c.kind === 'timestamp' ? TIMESTAMP_DOC[provider] : c.doc;
      return doc === undefined ? [fieldLines[i]!] : [`/// ${doc}`, fieldLines[i]!];
    });
    const attributes = [
      ...(table.compositeKey === undefined ? [] : [`@@id([${table.compositeKey.join(', ')}])`]),
      ...table.unique.map((fields) => `@@unique([${fields.join(', ')}])`),
      `@@map("${table.table}")`,
    ];
    return { doc: table.doc, name: table.model, lines, attributes };
  });
  return {
    header: generatedHeader('generator/emit/prisma/templates/schema.prisma.hbs'),
    provider,
    generator,
    models,
  };
}

function fieldAttributes(provider: Provider, c: ColumnDef): string {
  const attrs: string[] = [];
  if (c.kind === 'logId') attrs.push('@id @default(autoincrement())');
  if (c.field !== c.column) attrs.push(`@map("${c.column}")`);
  if (c.kind === 'timestamp' && provider === 'postgresql') attrs.push('@db.Timestamptz(3)');
  return attrs.join(' ');
}

/** Pads every cell but the last of each row to its column's width, as `prisma format` does. */
function aligned(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join(' '));
}

/** `migration_lock.toml`, as Prisma Migrate writes it. */
export function lockView(provider: Provider): { readonly provider: string } {
  return { provider };
}
