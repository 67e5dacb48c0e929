/**
 * The PostgreSQL recorder's saves and log reads, through the routines the store's migration
 * `20261203000000_gap_safe_appends` creates (docs/persistence.md, "Gap safety"):
 *
 * - a save is one `CALL eventforge_append(...)`: one round trip, refusals answered in it;
 * - a log read is one plain statement that also says, per row, whether its transaction is older
 *   than every running one; only when a row is not, the read is repeated through
 *   `eventforge_log_page`, which takes the writers' key or keeps to the safe rows.
 */
import type { AppendOptions, ReadNotificationsOptions, StoredEvent } from '../recorder.js';
import * as q from './dialect.js';
import { Statement, type SqlQuery } from './driver-adapter.js';

/** What the append procedure answers, in its INOUT parameters' order. */
export interface AppendOutcome {
  readonly outcome: 'stored' | 'conflict' | 'tracking' | 'keys';
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
}

/** The schema-qualified name of one of the migration's routines. */
function routine(schema: string, name: string): string {
  return `${q.quoteIdentifier(schema)}.${name}`;
}

/** One save: every event and the tracking record as the procedure's array arguments. */
export function callAppend(
  schema: string,
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  dataKeys: AppendOptions['dataKeys'] = [],
): SqlQuery {
  const st = new Statement(true);
  const { args, keys } = appendArguments(st, events, tracking, dataKeys);
  return st.query(
    `CALL ${routine(schema, 'eventforge_append')}(${args.join(', ')}, NULL, NULL, NULL, NULL, NULL, NULL, ${keys.join(', ')}, NULL)`,
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
  const { args, keys } = appendArguments(st, events, tracking, dataKeys);
  return st.query(
    'SELECT ids, outcome, taken, streams, heads, last_tracked, key_conflicts FROM ' +
      `${routine(schema, 'eventforge_append_in_transaction')}(${[...args, ...keys].join(', ')})`,
  );
}

/** The append routines' input arguments: one array per event column, the tracking record, the data keys. */
function appendArguments(
  st: Statement,
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  dataKeys: AppendOptions['dataKeys'] = [],
): { args: string[]; keys: string[] } {
  const n = events.length;
  const streamIds = new Array<string>(n);
  const versions = new Array<number>(n);
  const topics = new Array<string>(n);
  const schemaVersions = new Array<number>(n);
  const timestamps = new Array<string>(n);
  const states = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    streamIds[i] = e.streamId;
    versions[i] = e.version;
    topics[i] = e.topic;
    schemaVersions[i] = e.schemaVersion;
    timestamps[i] = e.timestamp.toISOString();
    states[i] = e.state;
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
  return { args, keys };
}

/** Reads the procedure's one result row. */
export function appendOutcome(row: readonly unknown[]): AppendOutcome {
  const [ids, outcome, taken, streams, heads, lastTracked, keyConflicts] = row as [
    unknown[] | null,
    AppendOutcome['outcome'],
    unknown[] | null,
    string[] | null,
    unknown[] | null,
    unknown,
    string[] | null,
  ];
  return {
    outcome,
    ids: (ids ?? []).map(q.toBigInt),
    taken: (taken ?? []).map((ordinal) => Number(ordinal) - 1),
    heads: new Map((streams ?? []).map((s, i) => [s, Number(heads?.[i] ?? 0)])),
    lastTracked: q.toBigInt(lastTracked),
    keyConflicts: keyConflicts ?? [],
  };
}

const EVENT_COLUMNS = 'id, stream_id, version, topic, schema_version, "timestamp", state';
/** Whether a row's transaction is older than every transaction running at the statement's snapshot. */
const FINAL = 'tx_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/** A page of the log as a plain statement; each row ends with its `FINAL` flag. */
export function selectLogPage(schema: string, o: ReadNotificationsOptions): SqlQuery {
  const st = new Statement(true);
  let sql = `SELECT ${EVENT_COLUMNS}, ${FINAL} FROM ${q.quoteIdentifier(schema)}."events" WHERE id >= ${st.param(o.start, 'bigint')}`;
  if (o.stop !== undefined) sql += ` AND id <= ${st.param(o.stop, 'bigint')}`;
  if (o.topics !== undefined && o.topics.length > 0) {
    sql += ` AND topic IN (${o.topics.map((t) => st.param(t, 'string')).join(', ')})`;
  }
  return st.query(`${sql} ORDER BY id ASC LIMIT ${st.param(o.limit, 'int')}`);
}

/** The same page through `eventforge_log_page`: only events no running writer can precede. */
export function callLogPage(schema: string, o: ReadNotificationsOptions): SqlQuery {
  const st = new Statement(true);
  const topics = o.topics !== undefined && o.topics.length > 0 ? [...o.topics] : null;
  return st.query(
    `SELECT ${EVENT_COLUMNS} FROM ${routine(schema, 'eventforge_log_page')}(${st.param(o.start, 'bigint')}::bigint, ` +
      `${st.param(o.stop ?? null, 'bigint')}::bigint, ${st.param(topics, 'string', 'list')}::text[], ${st.param(o.limit, 'int')}::bigint)`,
  );
}

/** The last event's id and its `FINAL` flag. */
export function selectLastId(schema: string): SqlQuery {
  return new Statement(true).query(
    `SELECT id, ${FINAL} FROM ${q.quoteIdentifier(schema)}."events" ORDER BY id DESC LIMIT 1`,
  );
}

/** The highest id no running writer can precede, through `eventforge_max_id`. */
export function callMaxId(schema: string): SqlQuery {
  return new Statement(true).query(`SELECT ${routine(schema, 'eventforge_max_id')}()`);
}
