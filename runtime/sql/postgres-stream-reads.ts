/**
 * The PostgreSQL recorder's loads (`readStream`, `latestSnapshot`) as named (prepared) statements
 * on the adapter's own node-postgres pool, without the adapter's conversions: the adapter reads
 * all the columns, normalises each timestamptz to text that the recorder parses back and decodes
 * bytea through a generic path. Here a load selects what it needs (the caller knows the stream id),
 * the server sends the timestamp as epoch milliseconds, and each column is parsed once, by the
 * parsers of this query only (the pool's global parsers are left alone).
 */
import type pg from 'pg';
import type { ReadStreamOptions, StoredEvent, StoredSnapshot } from '../recorder.js';
import * as q from './dialect.js';

/** The columns of a load, in this order; `timestamp` exactly, as integer epoch milliseconds. */
const LOAD_COLUMNS = `version, topic, schema_version, (EXTRACT(EPOCH FROM "timestamp") * 1000)::int8, state`;
/** An event's load also reads its metadata (jsonb, parsed from its text). */
const EVENT_LOAD_COLUMNS = `${LOAD_COLUMNS}, metadata`;

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

export class PostgresStreamReads {
  /** Statement names by SQL text: a few shapes per schema, each parsed once per connection. */
  readonly #names = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: q.Dialect,
  ) {}

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    const rows = await this.#rows(q.selectStream(this.dialect, streamId, options, EVENT_LOAD_COLUMNS));
    const events: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = q.loadedRecord(streamId, rows[i]!);
    return events;
  }

  async latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    const row = (await this.#rows(q.selectLatestSnapshot(this.dialect, streamId, upTo, LOAD_COLUMNS)))[0];
    return row === undefined ? undefined : q.loadedRecord(streamId, row);
  }

  async #rows(query: q.SqlQueryArg): Promise<q.LoadRow[]> {
    let name = this.#names.get(query.sql);
    if (name === undefined) {
      name = `eventforge_load_${this.#names.size}`;
      this.#names.set(query.sql, name);
    }
    const result = await this.pool.query<q.LoadRow>({
      name,
      text: query.sql,
      values: query.args,
      rowMode: 'array',
      types: loadTypes,
    });
    return result.rows;
  }
}
