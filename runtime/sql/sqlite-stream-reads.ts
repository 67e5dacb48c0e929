/**
 * The SQLite recorder's reads of streams, snapshots and log pages (`readStream`,
 * `latestSnapshot`, `readNotifications`) as prepared better-sqlite3 statements on a read-only
 * connection of their own, beside the driver adapter's. The adapter
 * prepares every statement again, reads all seven columns and turns each epoch-ms timestamp into
 * ISO text that the recorder parses back; here a statement is prepared once per shape, selects
 * only what a load needs (the caller knows the stream id), returns BLOBs as the Buffers the driver
 * made and timestamps straight as Dates.
 *
 * A separate connection rather than the adapter's: the adapter does not expose its database
 * handle. It reads what is committed, as the adapter's connection does outside a transaction; the
 * recorder runs both under the same per-file lock, so no append of this process is half done
 * while it reads. A database in memory has no second connection: there the adapter reads.
 */
import type Database from 'better-sqlite3';
import type {
  Notification,
  ReadNotificationsOptions,
  ReadStreamOptions,
  StoredEvent,
  StoredSnapshot,
} from '../recorder.js';
import * as q from './dialect.js';

/** The columns of a load, in this order: the row's `[version, topic, schemaVersion, timestamp, state]`. */
const LOAD_COLUMNS = 'version, topic, schema_version, "timestamp", state';
/** An event's load also reads its metadata (JSON text). */
const EVENT_LOAD_COLUMNS = `${LOAD_COLUMNS}, metadata`;

/**
 * Ids below this are read as numbers (then made bigints), all integers of the row with them: a
 * bigint per column costs more, and no append between the head's read and the page's can carry
 * the log from here past 2^53.
 */
const NUMBERS_BELOW = 2n ** 52n;

/** A log row (every column), its integers as bigints (ids may exceed 2^53) or, below that, as numbers. */
type LogRow = [
  id: bigint | number,
  streamId: string,
  version: bigint | number,
  topic: string,
  schemaVersion: bigint | number,
  timestamp: bigint | number | string,
  /** Text: a payload without layers, read with `payloads: 'text'`; null: read without payloads. */
  state: Buffer | string | null,
  metadata: string | null,
];
/** A notification under construction: `metadata` is set only when there is some. */
type Built = { -readonly [K in keyof Notification]: Notification[K] };
/** Statements kept per connection; topic filters of many lengths could make more shapes than that. */
const MAX_PREPARED = 200;

export class SqliteStreamReads {
  readonly #db: Database.Database;
  /** Prepared statements by SQL text: a few shapes (the read options present), each prepared once. */
  readonly #prepared = new Map<string, Database.Statement>();
  /** An event load's columns with a payload without layers as text (`payloads: 'text'`, as log pages read it). */
  readonly #textLoadColumns: string;

  /**
   * On `db`: a read-only connection of their own beside a user's adapter, or the recorder's own
   * connection (sqlite-direct.ts), whose page cache its writes keep valid.
   */
  constructor(
    db: Database.Database,
    private readonly dialect: q.Dialect,
  ) {
    this.#db = db;
    this.#textLoadColumns = EVENT_LOAD_COLUMNS.replace(', state,', `, ${dialect.textState ?? 'state'},`);
  }

  readStream(streamId: string, options?: ReadStreamOptions): StoredEvent[] {
    const columns = options?.payloads === 'text' ? this.#textLoadColumns : EVENT_LOAD_COLUMNS;
    const rows = this.#all<q.LoadRow>(q.selectStream(this.dialect, streamId, options, columns), false);
    const events: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const event = q.loadedRecord(streamId, row);
      const text = row[4];
      if (typeof text === 'string') {
        // Bytes that are not UTF-8 became U+FFFD in the text: those are read as bytes, for the mapper to refuse.
        if (text.includes('\uFFFD')) event.state = this.#eventPayload(streamId, event.version);
        else event.stateText = text;
      }
      events[i] = event;
    }
    return events;
  }

  latestSnapshot(streamId: string, upTo?: number): StoredSnapshot | undefined {
    const row = this.#all<q.LoadRow>(q.selectLatestSnapshot(this.dialect, streamId, upTo, LOAD_COLUMNS), false)[0];
    return row === undefined ? undefined : q.loadedRecord(streamId, row);
  }

  /** A page of the log; `head`, when the caller read it just before, lets small ids come as numbers. */
  readNotifications(options: ReadNotificationsOptions, head?: bigint): Notification[] {
    const bigints = head === undefined || head >= NUMBERS_BELOW;
    const rows = this.#all<LogRow>(q.selectNotifications(this.dialect, options), bigints);
    const notifications: Notification[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const state = row[6];
      const n: Built = {
        id: bigints ? (row[0] as bigint) : BigInt(row[0]),
        streamId: row[1],
        version: Number(row[2]),
        topic: row[3],
        schemaVersion: Number(row[4]),
        timestamp: new Date(typeof row[5] === 'bigint' ? Number(row[5]) : row[5]),
        state: state === null || typeof state === 'string' ? q.NO_PAYLOAD : state,
      };
      if (typeof state === 'string') {
        // Bytes that are not UTF-8 became U+FFFD in the text: those are read as bytes, for the mapper to refuse.
        if (state.includes('\uFFFD')) n.state = this.#payload(n.id);
        else n.stateText = state;
      }
      // Set only when stored: most events have none, and `metadata` stays absent for them.
      if (row[7] !== null) n.metadata = q.toMetadata(row[7])!;
      notifications[i] = n;
    }
    return notifications;
  }

  /** The stored payload of a stream's event. */
  #eventPayload(streamId: string, version: number): Uint8Array {
    return (
      this.#all<[Buffer]>(
        {
          sql: `SELECT state FROM ${this.dialect.events} WHERE stream_id = ? AND version = ?`,
          args: [streamId, version],
          argTypes: [],
        },
        false,
      )[0]?.[0] ?? q.NO_PAYLOAD
    );
  }

  /** One event's stored payload. */
  #payload(id: bigint): Uint8Array {
    return (
      this.#all<[Buffer]>(
        { sql: `SELECT state FROM ${this.dialect.events} WHERE id = ?`, args: [id], argTypes: [] },
        true,
      )[0]?.[0] ?? q.NO_PAYLOAD
    );
  }

  /** The highest id in the log, 0n when it is empty. */
  maxNotificationId(): bigint {
    return q.toBigInt(this.#all<[bigint | null]>(q.selectMaxNotificationId(this.dialect), true)[0]?.[0]);
  }

  close(): void {
    this.#db.close();
  }

  /** The rows as arrays; `bigints`: integers as bigints rather than numbers. */
  #all<Row>(query: q.SqlQueryArg, bigints: boolean): Row[] {
    let statement = this.#prepared.get(query.sql);
    if (statement === undefined) {
      statement = this.#db.prepare(query.sql).raw(true);
      if (this.#prepared.size < MAX_PREPARED) this.#prepared.set(query.sql, statement);
    }
    // Set on every call: one statement text may be read either way (log pages by their head).
    return statement.safeIntegers(bigints).all(...query.args) as Row[];
  }
}
