/**
 * The PostgreSQL recorder's loads (`readStream`, `latestSnapshot`) as named (prepared) statements
 * on the adapter's own node-postgres pool, without the adapter's conversions: the adapter reads
 * all the columns, normalises each timestamptz to text that the recorder parses back and decodes
 * bytea through a generic path. Here a load selects what it needs (the caller knows the stream id),
 * the server sends the timestamp as epoch milliseconds, and each column is parsed once, by the
 * parsers of this query only (the pool's global parsers are left alone). Log pages are read the
 * same way (`logRows`).
 */
import type pg from 'pg';
import type { ReadStreamOptions, StoredEvent, StoredSnapshot } from '../recorder.js';
import * as q from './dialect.js';
import { readTextPayload, textPayload } from './postgres-text-payload.js';

/** The columns of a load, in this order; `timestamp` exactly, as integer epoch milliseconds. */
const LOAD_COLUMNS = `version, topic, schema_version, (EXTRACT(EPOCH FROM "timestamp") * 1000)::int8, state`;
/** An event's load also reads its metadata (jsonb, parsed from its text). */
const EVENT_LOAD_COLUMNS = `${LOAD_COLUMNS}, metadata`;
/** The same with a payload without layers as text (`payloads: 'text'`, as log pages read it). */
const TEXT_EVENT_LOAD_COLUMNS = EVENT_LOAD_COLUMNS.replace(', state,', `, ${textPayload('state')},`);

const OID_INT8 = 20;
const OID_INT4 = 23;
const OID_BYTEA = 17;
const asIs = (text: string): string => text;
/** bytea in the hex format (the server default since 9.0): `\x` then two digits a byte. */
const hexBytes = (text: string): Buffer => Buffer.from(text.slice(2), 'hex');

/** The text parsers of a load's columns: int4 and int8 as numbers, bytea as a Buffer, text as is. */
const loadTypes = {
  getTypeParser: (oid: number): ((text: string) => unknown) =>
    oid === OID_INT4 || oid === OID_INT8 ? Number : oid === OID_BYTEA ? hexBytes : asIs,
};

const OID_BOOL = 16;
const OID_FLOAT8 = 701;
/**
 * The text parsers of a log page (`postgres-log.ts` `selectLogPage` with epoch timestamps): ids
 * (int8) as bigints, they may exceed 2^53; int4 and the epoch-ms float8 as numbers; booleans.
 */
const logTypes = {
  getTypeParser: (oid: number): ((text: string) => unknown) =>
    oid === OID_INT8
      ? BigInt
      : oid === OID_INT4 || oid === OID_FLOAT8
        ? Number
        : oid === OID_BYTEA
          ? hexBytes
          : oid === OID_BOOL
            ? (text: string) => text === 't'
            : asIs,
};
/** Named statements per reader: topic filters of many lengths could make more shapes than that. */
const MAX_NAMED = 200;

export class PostgresStreamReads {
  /** Statement names by SQL text: a few shapes per schema, each parsed once per connection. */
  readonly #names = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: q.Dialect,
  ) {}

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    const columns = options?.payloads === 'text' ? TEXT_EVENT_LOAD_COLUMNS : EVENT_LOAD_COLUMNS;
    const rows = await this.#rows(q.selectStream(this.dialect, streamId, options, columns));
    const events: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const event = q.loadedRecord(streamId, row);
      if (typeof row[4] === 'string') readTextPayload(event, row[4]);
      events[i] = event;
    }
    return events;
  }

  async latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    const row = (await this.#rows(q.selectLatestSnapshot(this.dialect, streamId, upTo, LOAD_COLUMNS)))[0];
    return row === undefined ? undefined : q.loadedRecord(streamId, row);
  }

  /** A log page's rows (`selectLogPage` with epoch timestamps), parsed as `logTypes` says. */
  async logRows(query: q.SqlQueryArg): Promise<unknown[][]> {
    return this.#rows<unknown[]>(query, logTypes);
  }

  async #rows<Row = q.LoadRow>(query: q.SqlQueryArg, types = loadTypes): Promise<Row[]> {
    let name = this.#names.get(query.sql);
    if (name === undefined && this.#names.size < MAX_NAMED) {
      name = `eventforge_load_${this.#names.size}`;
      this.#names.set(query.sql, name);
    }
    const result = await this.pool.query<Row & unknown[]>({
      ...(name === undefined ? {} : { name }),
      text: query.sql,
      values: query.args,
      rowMode: 'array',
      types,
    });
    return result.rows;
  }
}
