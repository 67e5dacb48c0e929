/**
 * The recorders' SQL, written once for both databases: SQLite 3.35+ and PostgreSQL share
 * `ON CONFLICT DO NOTHING` and `RETURNING`, so only placeholders, table names and a few types differ.
 */
import type {
  EventMetadata,
  Notification,
  ParkedEvent,
  ReadNotificationsOptions,
  ReadStreamOptions,
  StoredEvent,
  StoredSnapshot,
  Tracking,
} from '../recorder.js';
import { Statement, type SqlQuery } from './driver-adapter.js';

/** A statement with its arguments, as the driver adapter takes it. */
export type SqlQueryArg = SqlQuery;

/** What differs between the databases' SQL: placeholders, table names, timestamp parameters. */
export interface Dialect {
  /** `$1, $2` (PostgreSQL) rather than `?` (SQLite). */
  readonly numbered: boolean;
  /** Quoted, maybe schema-qualified table names. */
  readonly events: string;
  readonly snapshots: string;
  readonly tracking: string;
  readonly parked: string;
  /** PostgreSQL: the tracking keys' fences (workers' lease epochs, docs/systems.md#fencing). */
  readonly fences?: string;
  /** How a timestamp parameter is passed: epoch ms (SQLite) or ISO text (PostgreSQL). */
  readonly timestamp: (date: Date) => unknown;
  /**
   * The payload column for reads with `payloads: 'text'`, where the database returns a payload
   * without layers (its first byte a JSON text byte) as text; absent: the payload as bytes.
   */
  readonly textState?: string;
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Events per INSERT: 6 parameters each stays under SQLite's 32,766 and PostgreSQL's 65,535. */
export const ROWS_PER_INSERT = 1000;

/** The log's columns; `metadata` last (JSON text on SQLite, jsonb on PostgreSQL; NULL when none). */
export const EVENT_COLUMNS = 'id, stream_id, version, topic, schema_version, "timestamp", state, metadata';
/** The same columns with NULL for the payload: log reads of envelopes only (`payloads: false`). */
const ENVELOPE_COLUMNS = 'id, stream_id, version, topic, schema_version, "timestamp", NULL, metadata';
/** The `state` of a notification read without its payload. */
export const NO_PAYLOAD = new Uint8Array(0);
const SNAPSHOT_COLUMNS = 'stream_id, version, topic, schema_version, "timestamp", state';

/**
 * One multi-row insert of every event. On a taken (stream_id, version), `fail` makes the statement
 * fail as a whole; `skip` leaves that row out (the caller compares the row count and rolls back).
 */
export function insertEvents(
  d: Dialect,
  events: readonly StoredEvent[],
  onConflict: 'fail' | 'skip',
  idsAsText = false,
): SqlQuery {
  const st = new Statement(d.numbered);
  const rows = events.map(
    (e) =>
      `(${st.param(e.streamId, 'string')}, ${st.param(e.version, 'int')}, ${st.param(e.topic, 'string')}, ` +
      `${st.param(e.schemaVersion, 'int')}, ${st.param(d.timestamp(e.timestamp), d.numbered ? 'string' : 'bigint')}, ` +
      `${st.param(e.state, 'bytes')}, ${st.param(metadataText(e.metadata), 'string')}${d.numbered ? '::jsonb' : ''})`,
  );
  return st.query(
    `INSERT INTO ${d.events} (stream_id, version, topic, schema_version, "timestamp", state, metadata) VALUES ${rows.join(', ')}` +
      (onConflict === 'skip' ? ' ON CONFLICT DO NOTHING' : '') +
      (idsAsText ? ' RETURNING CAST(id AS TEXT)' : ' RETURNING id'),
  );
}

/** An event's metadata as the column holds it: JSON text, or NULL when there is none. */
export function metadataText(metadata: EventMetadata | undefined): string | null {
  return metadata === undefined ? null : JSON.stringify(metadata);
}

/** The metadata column as read: JSON text (or, from a driver that parses JSON, the object); NULL is none. */
export function toMetadata(value: unknown): EventMetadata | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as EventMetadata;
}

/** Inserts a tracking record; no row comes back when it exists already. */
export function insertTracking(d: Dialect, t: Tracking): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `INSERT INTO ${d.tracking} (application, upstream, notification_id) VALUES ` +
      `(${st.param(t.application, 'string')}, ${st.param(t.upstream, 'string')}, ${st.param(t.notificationId, 'bigint')}) ` +
      'ON CONFLICT DO NOTHING RETURNING notification_id',
  );
}

/**
 * PostgreSQL: a transaction-level advisory lock on one (application, upstream), released at
 * COMMIT or ROLLBACK. The two-key form lives apart from the one-key locks (Prisma Migrate's).
 */
export function lockTracking(d: Dialect, t: Tracking): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `SELECT pg_advisory_xact_lock(hashtext(${st.param(t.application, 'string')}), hashtext(${st.param(t.upstream, 'string')}))`,
  );
}

/** The current version of each of the given streams (streams without events are absent). */
export function streamVersions(d: Dialect, streamIds: readonly string[]): SqlQuery {
  const st = new Statement(d.numbered);
  const list = streamIds.map((id) => st.param(id, 'string')).join(', ');
  return st.query(`SELECT stream_id, MAX(version) FROM ${d.events} WHERE stream_id IN (${list}) GROUP BY stream_id`);
}

/** Which of the given positions are stored (for naming the event an append collided on). */
export function takenPositions(d: Dialect, events: readonly StoredEvent[]): SqlQuery {
  const st = new Statement(d.numbered);
  // CAST: PostgreSQL cannot infer the types of parameters inside VALUES.
  const pairs = events
    .map((e) => `(CAST(${st.param(e.streamId, 'string')} AS TEXT), CAST(${st.param(e.version, 'int')} AS INTEGER))`)
    .join(', ');
  return st.query(`SELECT stream_id, version FROM ${d.events} WHERE (stream_id, version) IN (VALUES ${pairs})`);
}

/**
 * A stream's events, filtered and ordered as `readStream` is asked; `columns` narrows the select
 * for the direct reads, which know the stream id and need no notification id.
 */
export function selectStream(
  d: Dialect,
  streamId: string,
  o: ReadStreamOptions = {},
  columns = EVENT_COLUMNS,
): SqlQuery {
  const st = new Statement(d.numbered);
  let sql = `SELECT ${columns} FROM ${d.events} WHERE stream_id = ${st.param(streamId, 'string')}`;
  if (o.after !== undefined) sql += ` AND version > ${st.param(o.after, 'int')}`;
  if (o.upTo !== undefined) sql += ` AND version <= ${st.param(o.upTo, 'int')}`;
  sql += o.descending === true ? ' ORDER BY version DESC' : ' ORDER BY version ASC';
  if (o.limit !== undefined) sql += ` LIMIT ${st.param(o.limit, 'int')}`;
  return st.query(sql);
}

/** One page of the log from `start`, in id order, optionally only some topics. */
export function selectNotifications(d: Dialect, o: ReadNotificationsOptions): SqlQuery {
  const st = new Statement(d.numbered);
  const columns =
    o.payloads === false
      ? ENVELOPE_COLUMNS
      : o.payloads === 'text' && d.textState !== undefined
        ? EVENT_COLUMNS.replace(', state,', `, ${d.textState},`)
        : EVENT_COLUMNS;
  let sql = `SELECT ${columns} FROM ${d.events} WHERE id >= ${st.param(o.start, 'bigint')}`;
  if (o.stop !== undefined) sql += ` AND id <= ${st.param(o.stop, 'bigint')}`;
  if (o.topics !== undefined && o.topics.length > 0) {
    sql += ` AND topic IN (${o.topics.map((t) => st.param(t, 'string')).join(', ')})`;
  }
  sql += ` ORDER BY id ASC LIMIT ${st.param(o.limit, 'int')}`;
  return st.query(sql);
}

/** The highest id in the log (NULL when empty). */
export function selectMaxNotificationId(d: Dialect): SqlQuery {
  return new Statement(d.numbered).query(`SELECT MAX(id) FROM ${d.events}`);
}

/**
 * The highest notification id an application processed from an upstream; `asText` for a reader
 * that would round a 64-bit integer (Prisma's raw queries on SQLite).
 */
export function selectMaxTrackingId(d: Dialect, application: string, upstream: string, asText = false): SqlQuery {
  const st = new Statement(d.numbered);
  // The last entry of the key's index rather than MAX(): a PostgreSQL session keeps the generic
  // plan it made while the table was small, and MAX() then aggregates every row of the key.
  const last =
    `(SELECT notification_id FROM ${d.tracking} WHERE application = ${st.param(application, 'string')} ` +
    `AND upstream = ${st.param(upstream, 'string')} ORDER BY notification_id DESC LIMIT 1)`;
  return st.query(`SELECT ${asText ? `CAST(${last} AS TEXT)` : last}`);
}

/**
 * Moves a tracking position from `from` to `t.notificationId`, only while `from` is the highest
 * (0 rows changed otherwise).
 */
export function moveTracking(d: Dialect, t: Tracking, from: bigint): SqlQuery {
  const st = new Statement(d.numbered);
  // Each placeholder once: SQLite's `?` are positional.
  const to = st.param(t.notificationId, 'bigint');
  const app = () => st.param(t.application, 'string');
  const up = () => st.param(t.upstream, 'string');
  return st.query(
    `UPDATE ${d.tracking} SET notification_id = ${to} WHERE application = ${app()} AND upstream = ${up()} ` +
      `AND notification_id = ${st.param(from, 'bigint')} AND NOT EXISTS (SELECT 1 FROM ${d.tracking} AS later ` +
      `WHERE later.application = ${app()} AND later.upstream = ${up()} AND later.notification_id > ${st.param(from, 'bigint')})`,
  );
}

/** Parks an event; parking it again replaces the first record. */
export function upsertParked(d: Dialect, p: ParkedEvent): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `INSERT INTO ${d.parked} (projection, notification_id, topic, error, attempts, parked_at) VALUES ` +
      `(${st.param(p.projection, 'string')}, ${st.param(p.notificationId, 'bigint')}, ${st.param(p.topic, 'string')}, ` +
      `${st.param(p.error, 'string')}, ${st.param(p.attempts, 'int')}, ` +
      `${st.param(d.timestamp(p.parkedAt), d.numbered ? 'string' : 'bigint')}) ` +
      'ON CONFLICT (projection, notification_id) DO UPDATE SET topic = excluded.topic, error = excluded.error, ' +
      'attempts = excluded.attempts, parked_at = excluded.parked_at',
  );
}

export function deleteParked(d: Dialect, projection: string, notificationId: bigint): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `DELETE FROM ${d.parked} WHERE projection = ${st.param(projection, 'string')} ` +
      `AND notification_id = ${st.param(notificationId, 'bigint')}`,
  );
}

export function selectParked(d: Dialect, projection?: string): SqlQuery {
  const st = new Statement(d.numbered);
  const where = projection === undefined ? '' : ` WHERE projection = ${st.param(projection, 'string')}`;
  return st.query(
    `SELECT projection, notification_id, topic, error, attempts, parked_at FROM ${d.parked}${where} ` +
      'ORDER BY projection, notification_id',
  );
}

/** Whether one tracking record exists. */
export function selectTracking(d: Dialect, application: string, upstream: string, id: bigint): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `SELECT 1 FROM ${d.tracking} WHERE application = ${st.param(application, 'string')} ` +
      `AND upstream = ${st.param(upstream, 'string')} AND notification_id = ${st.param(id, 'bigint')}`,
  );
}

/** Stores a snapshot; a second one of the same (stream, version) is ignored. */
export function insertSnapshot(d: Dialect, s: StoredSnapshot): SqlQuery {
  const st = new Statement(d.numbered);
  return st.query(
    `INSERT INTO ${d.snapshots} (stream_id, version, topic, schema_version, "timestamp", state) VALUES ` +
      `(${st.param(s.streamId, 'string')}, ${st.param(s.version, 'int')}, ${st.param(s.topic, 'string')}, ` +
      `${st.param(s.schemaVersion, 'int')}, ${st.param(d.timestamp(s.timestamp), d.numbered ? 'string' : 'bigint')}, ` +
      `${st.param(s.state, 'bytes')}) ON CONFLICT DO NOTHING`,
  );
}

/** The stream's latest snapshot, at or below `upTo` when given; `columns` as in `selectStream`. */
export function selectLatestSnapshot(
  d: Dialect,
  streamId: string,
  upTo?: number,
  columns = SNAPSHOT_COLUMNS,
): SqlQuery {
  const st = new Statement(d.numbered);
  let sql = `SELECT ${columns} FROM ${d.snapshots} ` + `WHERE stream_id = ${st.param(streamId, 'string')}`;
  if (upTo !== undefined) sql += ` AND version <= ${st.param(upTo, 'int')}`;
  return st.query(sql + ' ORDER BY version DESC LIMIT 1');
}

/** A 64-bit id as the adapters return it (number when safe, else text). */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value);
  if (value === null || value === undefined) return 0n;
  throw new TypeError(`expected an integer, got ${typeof value}`);
}

export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`expected bytes, got ${typeof value}`);
}

function toDate(value: unknown): Date {
  // The SQLite adapter turns epoch-ms DATETIME values into ISO text; PostgreSQL gives ISO text.
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  if (typeof value === 'bigint') return new Date(Number(value));
  if (value instanceof Date) return value;
  throw new TypeError(`expected a timestamp, got ${typeof value}`);
}

/**
 * A row of the direct loads' columns `version, topic, schema_version, timestamp, state` (and, for
 * events, `metadata`), the timestamp as epoch milliseconds (or text another writer stored), the
 * state as the driver's bytes (or as text, read with `payloads: 'text'`: the caller sets it), the
 * metadata as JSON text.
 */
export type LoadRow = [
  version: number,
  topic: string,
  schemaVersion: number,
  timestamp: number | string,
  state: Buffer | string,
  metadata?: string | null,
];

/** A stored event under construction: `stateText` and `metadata` are set only when there are some. */
export type BuiltRecord = { -readonly [K in keyof StoredEvent]: StoredEvent[K] };

/**
 * A load row of the stream `streamId` as a stored event or snapshot (the two have the same
 * fields); a payload read as text is left for the caller (`state` empty).
 */
export function loadedRecord(streamId: string, row: LoadRow): BuiltRecord {
  const state = row[4];
  const record: BuiltRecord = {
    streamId,
    version: row[0],
    topic: row[1],
    schemaVersion: row[2],
    timestamp: new Date(row[3]),
    state: typeof state === 'string' ? NO_PAYLOAD : state,
  };
  if (row[5] !== undefined && row[5] !== null) record.metadata = toMetadata(row[5])!;
  return record;
}

/** A notification under construction: `stateText` and `metadata` are set only when there are some. */
export type BuiltNotification = { -readonly [K in keyof Notification]: Notification[K] };

/**
 * A row of `EVENT_COLUMNS` as a notification; a payload read as text is left for the caller
 * (`state` empty), as in {@link loadedRecord}.
 */
export function toNotification(row: readonly unknown[]): BuiltNotification {
  const state = row[6];
  const n: BuiltNotification = {
    id: toBigInt(row[0]),
    streamId: row[1] as string,
    version: Number(row[2]),
    topic: row[3] as string,
    schemaVersion: Number(row[4]),
    timestamp: toDate(row[5]),
    state: state === null || typeof state === 'string' ? NO_PAYLOAD : toBytes(state),
  };
  if (row[7] !== null && row[7] !== undefined) n.metadata = toMetadata(row[7])!;
  return n;
}

/** A row of `EVENT_COLUMNS` as a stored event (without the id). */
export function toStoredEvent(row: readonly unknown[]): StoredEvent {
  return {
    streamId: row[1] as string,
    version: Number(row[2]),
    topic: row[3] as string,
    schemaVersion: Number(row[4]),
    timestamp: toDate(row[5]),
    state: toBytes(row[6]),
    ...withMetadata(row[7]),
  };
}

/** `{ metadata }` for a row's metadata column, `{}` for NULL (the field stays absent). */
export function withMetadata(value: unknown): { metadata?: EventMetadata } {
  const metadata = toMetadata(value);
  return metadata === undefined ? {} : { metadata };
}

/** A row of `selectParked` as a parked event. */
export function toParked(row: readonly unknown[]): ParkedEvent {
  return {
    projection: row[0] as string,
    notificationId: toBigInt(row[1]),
    topic: row[2] as string,
    error: row[3] as string,
    attempts: Number(row[4]),
    parkedAt: toDate(row[5]),
  };
}

/** A row of the snapshot columns as a stored snapshot. */
export function toSnapshot(row: readonly unknown[]): StoredSnapshot {
  return {
    streamId: row[0] as string,
    version: Number(row[1]),
    topic: row[2] as string,
    schemaVersion: Number(row[3]),
    timestamp: toDate(row[4]),
    state: toBytes(row[5]),
  };
}
