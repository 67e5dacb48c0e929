/**
 * Re-encrypts the payloads of a SQLite or PostgreSQL store so that every one is bound to its
 * record (AES-GCM with context, under the current key): payloads written before contexts
 * existed, payloads under a previous key (key rotation), and payloads stored unencrypted.
 *
 * Safe to interrupt and to run again: each row is replaced by one UPDATE that only applies when
 * the row still holds the bytes that were read (rows are immutable otherwise), and a replaced row
 * loads with the new bytes exactly as it did with the old ones. Rows already bound under the
 * current key are left alone, so a second run changes nothing.
 */
import { resolve } from 'node:path';
import type { StoreConfig } from '../config.js';
import { ConfigurationError, EventforgeError } from '../errors.js';
import { checkCipherKey, EnvelopeProblem, resealPayload, type PayloadContext } from '../payload-envelope.js';
import { loadBetterSqlite3, loadPg } from './drivers.js';
import { sharedMutex } from './mutex.js';
import { postgresTarget, redactUrl } from './postgres-recorder.js';
import { sqlitePath } from './sqlite-recorder.js';

/** Options of {@link reencryptStore}. */
export interface ReencryptOptions {
  /** The key payloads are encrypted with from now on (the application's `EVENTFORGE_CIPHER_KEY`): 32 bytes or their base64. */
  readonly cipherKey: Uint8Array | string;
  /** Keys payloads may still be encrypted with (key rotation); each is tried after `cipherKey`. */
  readonly previousKeys?: readonly (Uint8Array | string)[];
  /**
   * Rows read and written per transaction.
   * @default 500
   */
  readonly batchSize?: number;
}

/** A record whose payload no given key opens (or that is damaged): left as it is. */
export interface RefusedRecord {
  readonly table: 'events' | 'snapshots';
  readonly streamId: string;
  readonly version: number;
  readonly topic: string;
  readonly problem: string;
}

/** What one table went through. */
export interface TableReport {
  readonly examined: number;
  /** Rows whose payload was replaced by one bound to its record under the current key. */
  readonly resealed: number;
  /** Rows that were bound under the current key already. (Refused rows are in neither count.) */
  readonly unchanged: number;
}

/** What {@link reencryptStore} did. */
export interface ReencryptReport {
  readonly events: TableReport;
  readonly snapshots: TableReport;
  /** Records no key opens: they fail to load as before; see docs/security.md. */
  readonly refused: readonly RefusedRecord[];
}

type Table = 'events' | 'snapshots';

/** One stored row, its payload's context and where to resume after it. */
interface Row {
  readonly context: PayloadContext;
  readonly state: Uint8Array;
  /** `id` of an event; (stream id, version) of a snapshot. */
  readonly key: readonly (string | number)[];
}

/** The reads and compare-and-set writes one database offers. */
interface PayloadRows {
  page(table: Table, after: readonly (string | number)[] | undefined, limit: number): Promise<Row[]>;
  /** Replaces each row's payload where it still holds the bytes read; one transaction. */
  replace(table: Table, changes: readonly { row: Row; state: Uint8Array }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Re-encrypts every payload of a SQLite or PostgreSQL store that is not yet bound to its record
 * under `cipherKey`. Run it with the database's owner (it updates rows the application only inserts).
 * @example await reencryptStore(readStore(), { cipherKey: process.env.EVENTFORGE_CIPHER_KEY! });
 */
export async function reencryptStore(store: StoreConfig, options: ReencryptOptions): Promise<ReencryptReport> {
  const cipherKey = keyOf(options.cipherKey, 'the cipherKey option');
  const previousKeys = (options.previousKeys ?? []).map((key, i) => keyOf(key, `previousKeys[${i}]`));
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ConfigurationError(`the batchSize option is ${batchSize}; expected a positive integer`);
  }
  if (store.kind === 'memory') {
    throw new ConfigurationError(
      'the in-memory store lives only as long as its process and holds no older records; nothing to re-encrypt',
    );
  }
  const rows = store.kind === 'sqlite' ? await sqliteRows(store.filename) : await postgresRows(store.url);
  const refused: RefusedRecord[] = [];
  try {
    const reseal = (row: Row): Uint8Array | 'current' | 'refused' => {
      try {
        return resealPayload(row.state, row.context, cipherKey, previousKeys) ?? 'current';
      } catch (error) {
        if (!(error instanceof EnvelopeProblem)) throw error;
        const { kind, streamId, version, topic } = row.context;
        refused.push({
          table: kind === 'event' ? 'events' : 'snapshots',
          streamId,
          version,
          topic,
          problem: error.message,
        });
        return 'refused';
      }
    };
    const events = await reencryptTable(rows, 'events', batchSize, reseal);
    const snapshots = await reencryptTable(rows, 'snapshots', batchSize, reseal);
    return { events, snapshots, refused };
  } finally {
    await rows.close();
  }
}

async function reencryptTable(
  rows: PayloadRows,
  table: Table,
  batchSize: number,
  reseal: (row: Row) => Uint8Array | 'current' | 'refused',
): Promise<TableReport> {
  let examined = 0;
  let unchanged = 0;
  let resealed = 0;
  let after: readonly (string | number)[] | undefined;
  for (;;) {
    const page = await rows.page(table, after, batchSize);
    if (page.length === 0) break;
    const changes: { row: Row; state: Uint8Array }[] = [];
    for (const row of page) {
      const state = reseal(row);
      if (state === 'current') unchanged++;
      else if (state !== 'refused') changes.push({ row, state });
    }
    await rows.replace(table, changes);
    examined += page.length;
    resealed += changes.length;
    after = page[page.length - 1]!.key;
  }
  return { examined, resealed, unchanged };
}

function keyOf(key: Uint8Array | string, source: string): Uint8Array {
  return checkCipherKey(typeof key === 'string' ? Buffer.from(key, 'base64') : key, source);
}

const COLUMNS = 'stream_id, version, topic, schema_version, timestamp, state';

interface RawRow {
  readonly id?: number | string | bigint;
  readonly stream_id: string;
  readonly version: number;
  readonly topic: string;
  readonly schema_version: number;
  readonly timestamp: number | Date;
  readonly state: Uint8Array;
}

function toRow(table: Table, raw: RawRow): Row {
  const context: PayloadContext = {
    kind: table === 'events' ? 'event' : 'snapshot',
    streamId: raw.stream_id,
    version: Number(raw.version),
    topic: raw.topic,
    schemaVersion: Number(raw.schema_version),
    timestamp: raw.timestamp instanceof Date ? raw.timestamp : new Date(Number(raw.timestamp)),
  };
  const key = table === 'events' ? [String(raw.id)] : [raw.stream_id, Number(raw.version)];
  return { context, state: raw.state, key };
}

function selectPage(table: Table, first: boolean, param: (n: number) => string): string {
  if (table === 'events') {
    return `SELECT id, ${COLUMNS} FROM ${table} ${first ? '' : `WHERE id > ${param(1)} `}ORDER BY id LIMIT ${param(first ? 1 : 2)}`;
  }
  return (
    `SELECT ${COLUMNS} FROM ${table} ` +
    (first ? '' : `WHERE (stream_id, version) > (${param(1)}, ${param(2)}) `) +
    `ORDER BY stream_id, version LIMIT ${param(first ? 1 : 3)}`
  );
}

function updateRow(table: Table, param: (n: number) => string): string {
  return table === 'events'
    ? `UPDATE ${table} SET state = ${param(1)} WHERE id = ${param(2)} AND state = ${param(3)}`
    : `UPDATE ${table} SET state = ${param(1)} WHERE stream_id = ${param(2)} AND version = ${param(3)} AND state = ${param(4)}`;
}

async function sqliteRows(filename: string): Promise<PayloadRows> {
  const path = sqlitePath(filename);
  const Database = await loadBetterSqlite3();
  let db: InstanceType<typeof Database>;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 5000 });
  } catch (error) {
    throw new EventforgeError(`cannot open the SQLite store ${path}: ${(error as Error).message}`, { cause: error });
  }
  // Connections of this process to the file queue on its lock (see mutex.ts).
  const lock = sharedMutex(resolve(path));
  const param = () => '?';
  return {
    page: async (table, after, limit) => {
      // Safe integers: event ids are 64-bit.
      const raw = db
        .prepare(selectPage(table, after === undefined, param))
        .safeIntegers(true)
        .all(...(after ?? []).map(sqliteKey), limit) as RawRow[];
      return raw.map((r) => toRow(table, r));
    },
    replace: (table, changes) =>
      lock.run(async () => {
        const update = db.prepare(updateRow(table, param));
        db.transaction(() => {
          for (const { row, state } of changes) update.run(state, ...row.key.map(sqliteKey), row.state);
        }).immediate();
      }),
    close: async () => void db.close(),
  };
}

/** Event ids travel as strings (they are 64-bit); SQLite compares them as integers. */
function sqliteKey(part: string | number): string | number | bigint {
  return typeof part === 'string' && /^\d+$/.test(part) ? BigInt(part) : part;
}

async function postgresRows(url: string): Promise<PayloadRows> {
  const target = postgresTarget(url);
  const pg = await loadPg();
  const client = new pg.Client({ ...target.config });
  try {
    await client.connect();
  } catch (error) {
    throw new EventforgeError(
      `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}; check the URL and that the server is running`,
      { cause: error },
    );
  }
  await client.query(`SET search_path TO "${target.schema}"`);
  const param = (n: number) => `$${n}`;
  return {
    page: async (table, after, limit) => {
      const result = await client.query<RawRow>(selectPage(table, after === undefined, param), [
        ...(after ?? []),
        limit,
      ]);
      return result.rows.map((r) => toRow(table, r));
    },
    replace: async (table, changes) => {
      if (changes.length === 0) return;
      await client.query('BEGIN');
      try {
        for (const { row, state } of changes)
          await client.query(updateRow(table, param), [state, ...row.key, row.state]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    close: () => client.end(),
  };
}
