/**
 * What generated code says about one view (`views:` in the schema): its columns, key, SQL and
 * what each consumed event does. The runtime interprets it; nothing here knows a schema.
 */
import type { JsonValue } from '../codec.js';
import type { SqlValue } from '../recorder.js';

/** The databases a view's SQL is written for. */
export type ViewProvider = 'sqlite' | 'postgresql';

/** A column's type: the language's scalars, and enums (stored as their value). */
export type ViewColumnType =
  | 'string'
  | 'int'
  | 'float'
  | 'decimal'
  | 'bigint'
  | 'boolean'
  | 'uuid'
  | 'datetime'
  | 'date'
  | 'bytes'
  | 'json'
  | 'enum';

export interface ViewColumn<Name extends string = string> {
  /** The row property (camelCase). */
  readonly name: Name;
  /** The SQL column (snake_case). */
  readonly column: string;
  /** The type, or the element type of a list column. */
  readonly type: ViewColumnType;
  /** A list of `type`, stored as JSON. */
  readonly list: boolean;
  /** Nullable. */
  readonly optional: boolean;
  /** Used when an insert leaves the column out, as written in the schema. */
  readonly default?: JsonValue;
  /** Holds personal data (marked `pii`, or filled from personal event fields). */
  readonly personal?: true;
  /** A personal column's value once its subject is forgotten (null: NULL), as written in the schema. */
  readonly redacted?: JsonValue;
}

/** Where an operation takes a column's value from. */
export type ViewValue =
  /** A field of the event's payload; more than one name reads into value objects. */
  | { readonly field: readonly string[] }
  /** The stream id, the event's stream version, its timestamp. */
  | { readonly envelope: 'id' | 'version' | 'timestamp' }
  | { readonly constant: JsonValue };

export type ViewOperationKind = 'insert' | 'upsert' | 'update' | 'increment' | 'decrement' | 'list' | 'delete';

/** One declarative operation: values for key columns name the row, the others are changed. */
export interface ViewOperation {
  readonly op: ViewOperationKind;
  readonly values: Readonly<Record<string, ViewValue>>;
}

export type ViewHandler =
  | { readonly kind: 'declarative'; readonly ops: readonly ViewOperation[] }
  | { readonly kind: 'custom' };

/**
 * A view as generated code declares it. `Row` and `Key` are the generated row and key types;
 * the definition's columns and key name their properties.
 */
export interface ViewDefinition<Row extends object = object, Key extends object = object> {
  /** The view's name in the schema (PascalCase). */
  readonly name: string;
  readonly table: string;
  /** Changes when the table's shape changes (columns, types, key, indexes): a stored view of another hash is stale. */
  readonly shapeHash: string;
  readonly columns: readonly ViewColumn<keyof Row & string>[];
  readonly key: readonly (keyof Key & string)[];
  /**
   * The key column every operation writing personal data fills from the event's subject: a
   * forgotten subject's rows are those holding it there, and their personal columns are scrubbed.
   */
  readonly subjectColumn?: keyof Key & string;
  /** What each consumed event does, by topic. */
  readonly handlers: Readonly<Record<string, ViewHandler>>;
  /** CREATE TABLE and CREATE INDEX statements (idempotent), per provider. */
  readonly ddl: Readonly<Record<ViewProvider, readonly string[]>>;
}

/**
 * Where view statements run: the projection runner's transaction (a `RecorderTransaction` of a
 * SQL store is one), or a connection of one's own. Parameters are `?` placeholders on SQLite and
 * `$1`… on PostgreSQL.
 */
export interface SqlExecutor {
  readonly provider: ViewProvider;
  /** Runs a statement; resolves to the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a query; resolves to its rows, columns by name. */
  query(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}
