/**
 * The event store's tables, described once: the Prisma schema and the SQL migrations of both
 * providers are rendered from this. They are the same for every domain (a domain's payloads are
 * opaque bytes in `state`), so they do not depend on the IR.
 */

/** A column's kind; each provider maps it to a Prisma type and an SQL type. */
export type ColumnKind = 'logId' | 'text' | 'int' | 'bigint' | 'timestamp' | 'bytes';

export interface ColumnDef {
  /** Prisma field name. */
  readonly field: string;
  /** SQL column name. */
  readonly column: string;
  readonly kind: ColumnKind;
  readonly doc?: string;
}

export interface TableDef {
  readonly model: string;
  readonly table: string;
  readonly doc: string;
  readonly columns: readonly ColumnDef[];
  /** Fields of a composite primary key; absent when a `logId` column is the key. */
  readonly compositeKey?: readonly string[];
  /** Unique field sets besides the key. */
  readonly unique: readonly (readonly string[])[];
}

const timestamp: ColumnDef = { field: 'timestamp', column: 'timestamp', kind: 'timestamp' };

/** In the order the migration creates them. */
export const STORE_TABLES: readonly TableDef[] = [
  {
    model: 'Event',
    table: 'events',
    doc: "A stored domain event. `id` is its position in the application's notification log.",
    columns: [
      { field: 'id', column: 'id', kind: 'logId' },
      { field: 'streamId', column: 'stream_id', kind: 'text' },
      { field: 'version', column: 'version', kind: 'int' },
      { field: 'topic', column: 'topic', kind: 'text' },
      { field: 'schemaVersion', column: 'schema_version', kind: 'int' },
      timestamp,
      { field: 'state', column: 'state', kind: 'bytes' },
    ],
    unique: [['streamId', 'version']],
  },
  {
    model: 'Snapshot',
    table: 'snapshots',
    doc: 'A stored aggregate snapshot.',
    columns: [
      { field: 'streamId', column: 'stream_id', kind: 'text' },
      { field: 'version', column: 'version', kind: 'int' },
      { field: 'topic', column: 'topic', kind: 'text' },
      { field: 'schemaVersion', column: 'schema_version', kind: 'int' },
      timestamp,
      { field: 'state', column: 'state', kind: 'bytes' },
    ],
    compositeKey: ['streamId', 'version'],
    unique: [],
  },
  {
    model: 'Tracking',
    table: 'tracking',
    doc: 'An upstream notification a downstream application has processed.',
    columns: [
      { field: 'application', column: 'application', kind: 'text' },
      { field: 'upstream', column: 'upstream', kind: 'text' },
      { field: 'notificationId', column: 'notification_id', kind: 'bigint' },
    ],
    compositeKey: ['application', 'upstream', 'notificationId'],
    unique: [],
  },
];

/** The one migration so far. Its folder name is fixed: it is recorded in databases. */
export const STORE_MIGRATION = '20261123000000_event_store';
