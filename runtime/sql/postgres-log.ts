/**
 * The PostgreSQL recorder's saves and log reads, through the routines the store's migration
 * `20261203000000_gap_safe_appends` creates (docs/persistence.md, "Gap safety"):
 *
 * - a save is one autocommit `SELECT … FROM eventforge_save(...)` (migration
 *   `20261203140000_one_statement_saves`; postgres-saves.ts sends it): one round trip, refusals
 *   answered in it;
 * - a log read is one plain statement that also says, per row and for the log's head, whether its
 *   transaction is older than every running one, so it knows how far the page is complete; only
 *   when something is not, the read is repeated through `eventforge_log_read`, which covers
 *   everything visible when it gets the writers' key (migration `20261203110000_log_horizon`).
 */
import { before, completeUpTo } from '../log-page.js';
import type { AppendOptions, LogPage, Notification, ReadNotificationsOptions, StoredEvent } from '../recorder.js';
import * as q from './dialect.js';
import { Statement, type SqlQuery } from './driver-adapter.js';
import { readTextPayload, textPayload } from './postgres-text-payload.js';

/** What the append procedure answers, in its INOUT parameters' order. */
export interface AppendOutcome {
  readonly outcome: 'stored' | 'conflict' | 'tracking' | 'keys' | 'fenced';
  /** The stored events' ids, ascending (the save's order). */
  readonly ids: readonly bigint[];
  /** On a conflict: 0-based indexes of the events whose (stream, version) is stored. */
  readonly taken: readonly number[];
  /** On a conflict: each stream of the save with its stored version (0 for none). */
  readonly heads: ReadonlyMap<string, number>;
  /** On a tracking refusal: the last position recorded for the pair. */
  readonly lastTracked: bigint;
  /** On a key refusal: the subjects whose data key exists already (or who were forgotten). */
  readonly keyConflicts: readonly string[];
  /** On a fenced refusal: the fence of the tracking key, above the save's epoch. */
  readonly fence: bigint;
}

/** The schema-qualified name of one of the migration's routines. */
function routine(schema: string, name: string): string {
  return `${q.quoteIdentifier(schema)}.${name}`;
}

/**
 * One save as one autocommit statement: `eventforge_save` (migration
 * 20261203140000_one_statement_saves), every argument a parameter (NULL for none), so that one
 * statement text per schema is prepared once per connection; its one row answers as the procedure
 * does, without `key_conflicts` (a key refusal raises SQLSTATE EF410).
 */
export function selectSave(
  schema: string,
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  dataKeys: AppendOptions['dataKeys'] = [],
): SqlQuery {
  const st = new Statement(true);
  const { args, metadata } = appendArguments(st, events, tracking, [], true);
  const keys = [
    `${st.param(dataKeys.length === 0 ? null : dataKeys.map((k) => k.subject), 'string', 'list')}::text[]`,
    `${st.param(dataKeys.length === 0 ? null : dataKeys.map((k) => k.wrapped), 'bytes', 'list')}::bytea[]`,
  ];
  // The lease epoch the tracking record is fenced with, NULL for none (migration 20261203150000_lease_fences).
  const fence = `${st.param(tracking?.epoch ?? null, 'bigint')}::bigint`;
  return st.query(
    'SELECT ids, outcome, taken, streams, heads, last_tracked, NULL AS key_conflicts, fenced_by FROM ' +
      `${routine(schema, 'eventforge_save')}(${[...args.slice(0, 6), metadata, ...args.slice(6), ...keys, fence].join(', ')})`,
  );
}

/**
 * The same save inside a transaction the caller opened: `eventforge_append_in_transaction`
 * (migration 20261203120000), which does not commit; its one row answers as the procedure does.
 */
export function selectAppendInTransaction(
  schema: string,
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  dataKeys: AppendOptions['dataKeys'] = [],
): SqlQuery {
  const st = new Statement(true);
  const { args, keys, metadata } = appendArguments(st, events, tracking, dataKeys);
  return st.query(
    'SELECT ids, outcome, taken, streams, heads, last_tracked, key_conflicts FROM ' +
      `${routine(schema, 'eventforge_append_in_transaction')}(${[...args, ...keys, metadata].join(', ')})`,
  );
}

/** The append routines' input arguments: one array per event column, the tracking record, the data keys. */
function appendArguments(
  st: Statement,
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  dataKeys: AppendOptions['dataKeys'] = [],
  metadataAlways = false,
): { args: string[]; keys: string[]; metadata: string } {
  const n = events.length;
  const streamIds = new Array<string>(n);
  const versions = new Array<number>(n);
  const topics = new Array<string>(n);
  const schemaVersions = new Array<number>(n);
  const timestamps = new Array<string>(n);
  const states = new Array<Uint8Array>(n);
  // One jsonb per event (NULL for none); the whole argument is NULL when no event has metadata.
  const metadatas = new Array<string | null>(n);
  let anyMetadata = false;
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    streamIds[i] = e.streamId;
    versions[i] = e.version;
    topics[i] = e.topic;
    schemaVersions[i] = e.schemaVersion;
    timestamps[i] = e.timestamp.toISOString();
    states[i] = e.state;
    metadatas[i] = q.metadataText(e.metadata);
    if (metadatas[i] !== null) anyMetadata = true;
  }
  const args = [
    `${st.param(streamIds, 'string', 'list')}::text[]`,
    `${st.param(versions, 'int', 'list')}::integer[]`,
    `${st.param(topics, 'string', 'list')}::text[]`,
    `${st.param(schemaVersions, 'int', 'list')}::integer[]`,
    `${st.param(timestamps, 'string', 'list')}::timestamptz[]`,
    `${st.param(states, 'bytes', 'list')}::bytea[]`,
    `${st.param(tracking?.application ?? null, 'string')}::text`,
    `${st.param(tracking?.upstream ?? null, 'string')}::text`,
    `${st.param(tracking?.notificationId ?? null, 'bigint')}::bigint`,
  ];
  const keys =
    dataKeys.length === 0
      ? ['NULL', 'NULL']
      : [
          `${st.param(
            dataKeys.map((k) => k.subject),
            'string',
            'list',
          )}::text[]`,
          `${st.param(
            dataKeys.map((k) => k.wrapped),
            'bytes',
            'list',
          )}::bytea[]`,
        ];
  // The whole argument is NULL when no event has metadata.
  const metadata =
    anyMetadata || metadataAlways ? `${st.param(anyMetadata ? metadatas : null, 'string', 'list')}::jsonb[]` : 'NULL';
  return { args, keys, metadata };
}

/** Reads the procedure's one result row. */
export function appendOutcome(row: readonly unknown[]): AppendOutcome {
  const [ids, outcome, taken, streams, heads, lastTracked, keyConflicts, fence] = row as [
    unknown[] | null,
    AppendOutcome['outcome'],
    unknown[] | null,
    string[] | null,
    unknown[] | null,
    unknown,
    string[] | null,
    unknown,
  ];
  return {
    outcome,
    ids: (ids ?? []).map(q.toBigInt),
    taken: (taken ?? []).map((ordinal) => Number(ordinal) - 1),
    heads: new Map((streams ?? []).map((s, i) => [s, Number(heads?.[i] ?? 0)])),
    lastTracked: q.toBigInt(lastTracked),
    keyConflicts: keyConflicts ?? [],
    fence: q.toBigInt(fence),
  };
}

/** The columns without the payload, for reads of envelopes only. */
const ENVELOPE_COLUMNS = 'id, stream_id, version, topic, schema_version, "timestamp", metadata';
const PAGE_COLUMNS = 'p.id, p.stream_id, p.version, p.topic, p.schema_version';
/** The timestamp as epoch milliseconds, for the direct reads' parsers (exact: timestamptz(3)). */
const EPOCH_MS = '(EXTRACT(EPOCH FROM p."timestamp") * 1000)::int8::float8';
/** Where a page row carries its final flag, the head and the head's flag: after the event's columns. */
const FINAL_COLUMN = q.EVENT_COLUMNS.split(',').length;
const HEAD_COLUMN = FINAL_COLUMN + 1;
const HEAD_FINAL_COLUMN = FINAL_COLUMN + 2;
/** Where a `callLogRead` row carries its horizon: after the event's columns. */
const HORIZON_COLUMN = FINAL_COLUMN;

/** The payload column of a page read, as `o.payloads` asks. */
function payloadColumn(o: ReadNotificationsOptions, column: string): string {
  return o.payloads === false ? 'NULL' : o.payloads === 'text' ? textPayload(column) : column;
}

/**
 * A page of the log as one plain statement, so from one snapshot: each row ends with whether its
 * transaction is older than every transaction running at that snapshot (NULL when it is: final,
 * false when not), and every row (one of NULL events when the page is empty) carries the highest
 * visible id up to `stop` and whether it is final. Columns: the 8 event columns (metadata last),
 * final, head, head final. `epochTimestamps`: the timestamp as epoch milliseconds (the direct
 * reads), else as the adapter reads it.
 */
export function selectLogPage(schema: string, o: ReadNotificationsOptions, epochTimestamps = false): SqlQuery {
  const st = new Statement(true);
  const events = `${q.quoteIdentifier(schema)}."events"`;
  const stop = o.stop === undefined ? '' : st.param(o.stop, 'bigint');
  let where = `e.id >= ${st.param(o.start, 'bigint')}`;
  if (stop !== '') where += ` AND e.id <= ${stop}`;
  if (o.topics !== undefined && o.topics.length > 0) {
    where += ` AND e.topic IN (${o.topics.map((t) => st.param(t, 'string')).join(', ')})`;
  }
  // The head's row first (one), the page beside it: a nested loop keeps the page in id order.
  // Final rows (nearly all) carry NULL for their flag: no value to send and parse per row.
  return st.query(
    `SELECT ${PAGE_COLUMNS}, ${epochTimestamps ? EPOCH_MS : 'p."timestamp"'}, ${payloadColumn(o, 'p.state')}, p.metadata, ` +
      'NULLIF(p.tx_id < x.xmin, true), h.id, h.tx_id < x.xmin ' +
      'FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) AS x ' +
      `LEFT JOIN LATERAL (SELECT e.id, e.tx_id FROM ${events} AS e${stop === '' ? '' : ` WHERE e.id <= ${stop}`} ` +
      'ORDER BY e.id DESC LIMIT 1) AS h ON true ' +
      `LEFT JOIN LATERAL (SELECT e.${(o.payloads === false ? ENVELOPE_COLUMNS : q.EVENT_COLUMNS).replaceAll(', ', ', e.')}, e.tx_id FROM ${events} AS e WHERE ${where} ` +
      `ORDER BY e.id LIMIT ${st.param(o.limit, 'int')}) AS p ON true`,
  );
}

/** What a plain page read settled: its page, and whether `upTo` could be wider under the writers' key. */
export interface PlainPage {
  readonly page: LogPage;
  /** False when an event at or below the head is not final: `callLogRead` may cover more. */
  readonly settled: boolean;
}

/**
 * The events of a `selectLogPage` answer no running writer can precede, and how far they cover
 * the log. Final events come before every other (docs/persistence.md, the proof): the page is
 * cut at its first event that is not final. A short page of final events is complete up to the
 * head when the head is final; otherwise, as far as its events go.
 */
export function plainPage(rows: readonly (readonly unknown[])[], o: ReadNotificationsOptions): PlainPage {
  const notifications: Notification[] = [];
  let final = true;
  for (const row of rows) {
    if (row[0] === null) break;
    if (row[FINAL_COLUMN] !== null) {
      final = false;
      break;
    }
    notifications.push(pageNotification(row));
  }
  const floor = before(o.start);
  const last = notifications.length === 0 ? floor : notifications[notifications.length - 1]!.id;
  const head = rows[0]?.[HEAD_COLUMN];
  if (
    !final ||
    (notifications.length < o.limit && head !== null && head !== undefined && rows[0]![HEAD_FINAL_COLUMN] !== true)
  ) {
    return { page: { notifications, upTo: last }, settled: false };
  }
  const upTo = o.limit === 0 ? floor : notifications.length === o.limit ? last : q.toBigInt(head);
  return { page: { notifications, upTo: upTo > floor ? upTo : floor }, settled: true };
}

/** The page through `eventforge_log_read`: under the writers' key, or no row when a writer is in flight. */
export function callLogRead(schema: string, o: ReadNotificationsOptions, epochTimestamps = false): SqlQuery {
  const st = new Statement(true);
  const topics = o.topics !== undefined && o.topics.length > 0 ? [...o.topics] : null;
  const timestamp = epochTimestamps ? EPOCH_MS.replace('p."timestamp"', 'r."timestamp"') : 'r."timestamp"';
  return st.query(
    `SELECT r.id, r.stream_id, r.version, r.topic, r.schema_version, ${timestamp}, ` +
      `${payloadColumn(o, 'r.state')}, r.metadata, r.horizon ` +
      `FROM ${routine(schema, 'eventforge_log_read')}(${st.param(o.start, 'bigint')}::bigint, ` +
      `${st.param(o.stop ?? null, 'bigint')}::bigint, ${st.param(topics, 'string', 'list')}::text[], ${st.param(o.limit, 'int')}::bigint) AS r`,
  );
}

/** A `callLogRead` answer as a page, or undefined when the key was not free. */
export function lockedPage(rows: readonly (readonly unknown[])[], o: ReadNotificationsOptions): LogPage | undefined {
  if (rows.length === 0) return undefined;
  const notifications = rows[0]![0] === null ? [] : rows.map(pageNotification);
  return { notifications, upTo: completeUpTo(o, notifications, q.toBigInt(rows[0]![HORIZON_COLUMN])) };
}

/** A page row as a notification; a payload read as text (`textPayload`) becomes `stateText` or bytes. */
function pageNotification(row: readonly unknown[]): Notification {
  const n = q.toNotification(row);
  if (typeof row[6] === 'string') readTextPayload(n, row[6]);
  return n;
}

/** The highest id stored: every visible event is committed. */
export function selectMaxId(schema: string): SqlQuery {
  return new Statement(true).query(`SELECT max(id) FROM ${q.quoteIdentifier(schema)}."events"`);
}
