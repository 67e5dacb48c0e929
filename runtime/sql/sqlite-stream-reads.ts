/**
 * The SQLite recorder's loads (`readStream`, `latestSnapshot`) as prepared better-sqlite3
 * statements on a read-only connection of their own, beside the driver adapter's. The adapter
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
import Database from 'better-sqlite3';
import type { ReadStreamOptions, StoredEvent, StoredSnapshot } from '../recorder.js';
import * as q from './dialect.js';

/** The columns of a load, in this order: the row's `[version, topic, schemaVersion, timestamp, state]`. */
const LOAD_COLUMNS = 'version, topic, schema_version, "timestamp", state';

type LoadRow = [version: number, topic: string, schemaVersion: number, timestamp: number | string, state: Buffer];

export class SqliteStreamReads {
  readonly #db: Database.Database;
  /** Prepared statements by SQL text: a few shapes (the read options present), each prepared once. */
  readonly #prepared = new Map<string, Database.Statement<unknown[], LoadRow>>();

  /** Opens the second connection; the file and its tables exist already. */
  constructor(
    path: string,
    busyTimeoutMs: number,
    private readonly dialect: q.Dialect,
  ) {
    this.#db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  }

  readStream(streamId: string, options?: ReadStreamOptions): StoredEvent[] {
    const rows = this.#all(q.selectStream(this.dialect, streamId, options, LOAD_COLUMNS));
    const events: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = toRecord(streamId, rows[i]!);
    return events;
  }

  latestSnapshot(streamId: string, upTo?: number): StoredSnapshot | undefined {
    const row = this.#all(q.selectLatestSnapshot(this.dialect, streamId, upTo, LOAD_COLUMNS))[0];
    return row === undefined ? undefined : toRecord(streamId, row);
  }

  close(): void {
    this.#db.close();
  }

  #all(query: q.SqlQueryArg): LoadRow[] {
    let statement = this.#prepared.get(query.sql);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[], LoadRow>(query.sql).raw(true);
      this.#prepared.set(query.sql, statement);
    }
    return statement.all(...query.args);
  }
}

/** A load row as a stored event or snapshot (the two have the same fields). */
function toRecord(streamId: string, row: LoadRow): StoredEvent {
  return {
    streamId,
    version: row[0],
    topic: row[1],
    schemaVersion: row[2],
    // Epoch ms as the recorder writes them; text from other writers parses the same way.
    timestamp: new Date(row[3]),
    state: row[4],
  };
}
