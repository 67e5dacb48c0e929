/**
 * The event store on PostgreSQL, through Prisma's pg driver adapter.
 *
 * A save is one autocommit statement calling the store's save function (postgres-saves.ts); log
 * reads deliver only events that no writer still in flight can precede (postgres-log.ts;
 * docs/persistence.md, "Gap safety").
 */
import { ClosingGate } from '../closing-gate.js';
import { ConfigurationError, DataKeyConflictError, FencedError, StoreUnavailableError } from '../errors.js';
import type {
  AppendOptions,
  LogPage,
  Notification,
  ParkedEvent,
  ReadNotificationsOptions,
  ReadStreamOptions,
  Recorder,
  StoredDataKey,
  StoredEvent,
  RecorderTransaction,
  PrismaTransactionClient,
  StoredSnapshot,
  TransactionOptions,
  TransactionWrites,
} from '../recorder.js';
import * as keySql from './data-key-sql.js';
import { withArgumentChecks } from '../checked-recorder.js';
import { concurrencyErrorFor, positionKey } from './conflicts.js';
import {
  applyMigrations,
  storeMigrationsDir,
  readMigrations,
  type ApplyOptions,
  type Migration,
  type MigrationReport,
} from './migrations.js';
import type pg from 'pg';
import * as q from './dialect.js';
import { loadPg, loadPostgresAdapter } from './drivers.js';
import { explainAdapterError, inTransaction, plain, type SqlAdapter, Statement } from './driver-adapter.js';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as log from './postgres-log.js';
import { PostgresSaves } from './postgres-saves.js';
import { PostgresStreamReads } from './postgres-stream-reads.js';
import { prismaQueryable } from './prisma-transaction.js';
import { storeFailure } from './store-failures.js';
import { trackingRefusal } from '../tracking-refusal.js';
import { announceAppend, type LogSignal, type LogSignalOptions } from '../log-signal.js';
import { postgresLogSignal, postgresStoreKey } from './log-signals.js';
import { readParked, recordTransactionOptions, sqlTransaction } from './transaction-work.js';

/** Options of {@link createPostgresRecorder}. */
export interface PostgresRecorderOptions {
  /**
   * A `postgresql://` URL. A `?schema=` parameter (Prisma's convention) picks the schema.
   * @example 'postgresql://postgres@127.0.0.1:5432/app'
   */
  readonly url: string;
  /**
   * The schema holding the tables; created when missing. Overrides the URL's `?schema=`.
   * @default 'public'
   */
  readonly schema?: string;
  /**
   * Connections in the pool.
   * @default 10
   */
  readonly poolSize?: number;
  /**
   * Apply the bundled migrations (create the schema and tables) when the database lacks them.
   * @default true
   */
  readonly createTables?: boolean;
}

/** The same advisory lock key as Prisma Migrate's, so the two never migrate at once. */
const MIGRATION_LOCK_KEY = 72707369;

/** Connection settings for `pg`, split from a Prisma-style URL. */
export interface PostgresTarget {
  /** For `pg` and `PrismaPg`: the URL without `schema`, and the session options (UTC). */
  readonly config: { readonly connectionString: string; readonly options: string };
  /** The schema holding the tables. */
  readonly schema: string;
}

/** A URL fit for messages: the password hidden. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/**
 * Reads a `postgresql://` URL: the schema comes out of the query; the session is set to UTC
 * (the pg adapter reads timestamptz text as UTC). Use it for a PrismaClient's adapter too.
 * @example const { config, schema } = postgresTarget(url); new PrismaPg(config, { schema });
 */
export function postgresTarget(url: string, schemaOverride?: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(
      `"${redactUrl(url)}" is not a PostgreSQL URL; expected postgresql://user@host:5432/database`,
    );
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new ConfigurationError(
      `"${redactUrl(url)}" is not a PostgreSQL URL; expected postgresql://user@host:5432/database`,
    );
  }
  const schema = schemaOverride ?? parsed.searchParams.get('schema') ?? 'public';
  checkSchemaName(schema, schemaOverride === undefined ? "the URL's ?schema=" : 'the schema option');
  parsed.searchParams.delete('schema');
  // The pg adapter reads timestamptz text as if it were UTC, so the session must be in UTC.
  const options = [parsed.searchParams.get('options'), '-c TimeZone=UTC'].filter(Boolean).join(' ');
  parsed.searchParams.delete('options');
  return { config: { connectionString: parsed.toString(), options }, schema };
}

/** Refuses a schema name the recorder's SQL could not quote safely; `from` says where it came from. */
function checkSchemaName(schema: string, from: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigurationError(
      `PostgreSQL schema "${schema}" (from ${from}) is not a plain SQL identifier; use letters, digits and _ ` +
        '(up to 63, not starting with a digit)',
    );
  }
}

/**
 * Opens (and unless told otherwise, creates) an event store in a PostgreSQL schema.
 * @example const recorder = await createPostgresRecorder({ url: process.env.DATABASE_URL! });
 */
export async function createPostgresRecorder(options: PostgresRecorderOptions): Promise<Recorder> {
  const target = postgresTarget(options.url, options.schema);
  const { PrismaPg } = await loadPostgresAdapter();
  if (options.createTables !== false) {
    await migratePostgres(target, readMigrations(storeMigrationsDir('postgresql'), 'postgresql'));
  }
  const names = new Map<string, string>();
  const factory = new PrismaPg(
    {
      ...target.config,
      // The store's schema first on every pooled session's search path, so the statements of a
      // transaction's work (a projection's tables) need no schema; the recorder's own are qualified.
      options: `${target.config.options ?? ''} -c search_path=${q.quoteIdentifier(target.schema)},public`.trim(),
      max: options.poolSize ?? 10,
    },
    {
      schema: target.schema,
      // Named statements are parsed once per connection; the recorder's texts are few.
      statementNameGenerator: (query) => {
        let name = names.get(query.sql);
        if (name === undefined) {
          if (names.size >= 500) return '';
          name = `eventforge_${names.size}`;
          names.set(query.sql, name);
        }
        return name;
      },
    },
  );
  const adapter = await factory.connect();
  // The adapter's own pool (its documented underlyingDriver()) serves the direct loads too.
  return withArgumentChecks(
    new PostgresRecorder(adapter, adapter.underlyingDriver(), { schema: target.schema, listen: target.config }),
  );
}

/**
 * The store in a schema of the database your PrismaClient's PostgreSQL adapter (`PrismaPg`)
 * reaches, on the adapter's own pool: no pool of eventforge's. The schema is the adapter's
 * (`new PrismaPg(pool, { schema })`) unless given. The tables must exist: apply the store's
 * migrations with your others (docs/prisma.md). The pool's sessions must be in UTC, as
 * `postgresTarget(url).config` sets them, else `ConfigurationError`.
 */
export async function createPostgresRecorderOnAdapter(
  factory: SqlDriverAdapterFactory,
  options: { readonly schema?: string } = {},
): Promise<Recorder> {
  const pg = await loadPg();
  const adapter = await factory.connect();
  try {
    const pool = (adapter as SqlAdapter & { underlyingDriver?: () => unknown }).underlyingDriver?.();
    if (!(pool instanceof pg.Pool)) {
      throw new ConfigurationError(
        `the PostgreSQL store runs on @prisma/adapter-pg's PrismaPg (its pg pool); this adapter is ${factory.adapterName}`,
      );
    }
    const schema = options.schema ?? adapter.getConnectionInfo?.().schemaName ?? 'public';
    checkSchemaName(
      schema,
      options.schema === undefined ? "the PrismaPg adapter's schema option" : 'the schema option',
    );
    const zone = String((await adapter.queryRaw(plain("SELECT current_setting('TimeZone')"))).rows[0]?.[0]);
    if (zone !== 'UTC' && zone !== 'Etc/UTC') {
      throw new ConfigurationError(
        `the pool of your PrismaPg adapter runs its sessions in time zone ${zone}, and the pg adapter reads timestamptz ` +
          'as if it were UTC (so would your PrismaClient, shifted); build the pool from postgresTarget(url).config, ' +
          'which sets TimeZone=UTC: new PrismaPg(new pg.Pool(postgresTarget(url).config), { schema })',
      );
    }
    return withArgumentChecks(
      new PostgresRecorder(adapter, pool, { schema, listen: pool.options, searchPathPerTransaction: true }),
    );
  } catch (error) {
    await adapter.dispose();
    throw explainAdapterError(error, 'PostgreSQL (your Prisma adapter)');
  }
}

/** Applies `migrations` to the target's schema in one transaction, under Prisma Migrate's lock. */
export async function migratePostgres(
  target: PostgresTarget,
  migrations: readonly Migration[],
  options: ApplyOptions = {},
): Promise<MigrationReport> {
  const pg = await loadPg();
  const client = new pg.Client(target.config);
  try {
    await client.connect();
  } catch (error) {
    const where = redactUrl(String(target.config.connectionString));
    throw new StoreUnavailableError(
      `cannot connect to PostgreSQL at ${where}: ${(error as Error).message}; check DATABASE_URL and that the server is running`,
      { cause: error },
    );
  }
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const schema = q.quoteIdentifier(target.schema);
      // CREATE SCHEMA IF NOT EXISTS needs the right to create even when the schema exists.
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
      if (found.rowCount === 0 && options.dryRun !== true) await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET LOCAL search_path TO ${schema}`);
      const report = await applyMigrations(
        {
          provider: 'postgresql',
          script: async (sql) => {
            await client.query(sql);
          },
          rows: async (sql, params) => {
            let n = 0;
            const text = sql.replace(/\?/g, () => `$${++n}`);
            return (await client.query({ text, values: [...params], rowMode: 'array' })).rows as unknown[][];
          },
        },
        migrations,
        options,
      );
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** The ids of a stored save, or the refusal the append routines answered, as its typed error. */
function storedIds(
  events: readonly StoredEvent[],
  tracking: AppendOptions['tracking'],
  answer: log.AppendOutcome,
): bigint[] {
  if (answer.outcome === 'stored') return [...answer.ids];
  if (answer.outcome === 'keys') throw new DataKeyConflictError(answer.keyConflicts);
  if (answer.outcome === 'tracking') throw trackingRefusal(tracking!, answer.lastTracked);
  if (answer.outcome === 'fenced') {
    throw new FencedError(tracking!.application, tracking!.upstream, tracking!.epoch!, answer.fence);
  }
  const taken = new Set(answer.taken.map((i) => positionKey(events[i]!.streamId, events[i]!.version)));
  throw concurrencyErrorFor(events, taken, answer.heads);
}

class PostgresRecorder implements Recorder {
  readonly #d: q.Dialect;
  /** For error messages: `PostgreSQL schema "x"`. */
  readonly #where: string;
  readonly #gate: ClosingGate;
  readonly #reads: PostgresStreamReads;
  readonly #saves: PostgresSaves;
  readonly #schema: string;
  /** Where a log signal's LISTEN connection connects to. */
  readonly #listen: pg.ClientConfig;
  /** On a pool of the caller's, whose sessions' search path is theirs: set in each transaction. */
  readonly #searchPath: string | undefined;
  /** The key of this store's in-process wake-ups. */
  readonly #storeKey: string;

  constructor(
    private readonly adapter: SqlAdapter,
    pool: pg.Pool,
    where: { schema: string; listen: pg.ClientConfig; searchPathPerTransaction?: boolean },
  ) {
    const schema = where.schema;
    this.#schema = schema;
    this.#listen = where.listen;
    this.#searchPath = where.searchPathPerTransaction === true ? `${q.quoteIdentifier(schema)}, public` : undefined;
    this.#storeKey = postgresStoreKey(where.listen, schema);
    this.#where = `PostgreSQL schema "${schema}"`;
    this.#gate = new ClosingGate(`the recorder on ${this.#where}`);
    const s = q.quoteIdentifier(schema);
    this.#d = {
      numbered: true,
      events: `${s}."events"`,
      snapshots: `${s}."snapshots"`,
      tracking: `${s}."tracking"`,
      parked: `${s}."parked_events"`,
      fences: `${s}."tracking_fences"`,
      timestamp: (date) => date.toISOString(),
    };
    this.#reads = new PostgresStreamReads(pool, this.#d);
    this.#saves = new PostgresSaves(pool, schema, this.#d, this.#where);
  }

  append(events: readonly StoredEvent[], options: AppendOptions = {}): Promise<bigint[]> {
    const tracking = options.tracking;
    if (events.length === 0 && tracking === undefined) return Promise.resolve([]);
    return this.#gate.run(async () => {
      const ids = storedIds(events, tracking, await this.#saves.save(events, tracking, options.dataKeys));
      // This process's readers need not wait for the NOTIFY to come back through the server.
      if (ids.length > 0) announceAppend(this.#storeKey);
      return ids;
    });
  }

  /**
   * Saves on the caller's Prisma transaction: `eventforge_append_in_transaction`, which neither
   * commits nor ends the transaction (a procedure that commits cannot run inside one).
   */
  within(tx: PrismaTransactionClient): TransactionWrites {
    this.#gate.assertOpen();
    const on = prismaQueryable(tx, this.#where);
    return {
      append: async (events, options = {}) => {
        const tracking = options.tracking;
        if (events.length === 0 && tracking === undefined) return [];
        const query = log.selectAppendInTransaction(this.#schema, events, tracking, options.dataKeys);
        const [row] = (await on.queryRaw(query)).rows;
        return storedIds(events, tracking, log.appendOutcome(row!));
      },
      saveSnapshot: async (snapshot) => {
        await on.executeRaw(q.insertSnapshot(this.#d, snapshot));
      },
      readDataKeys: async (subjects) => {
        if (subjects.length === 0) return [];
        return (await on.queryRaw(keySql.selectDataKeys(true, this.#dataKeys, subjects))).rows.map(keySql.toDataKey);
      },
    };
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.#load(
      () => this.#reads.readStream(streamId, options),
      async () => (await this.#rows(q.selectStream(this.#d, streamId, options))).map(q.toStoredEvent),
    );
  }

  async readNotifications(options: ReadNotificationsOptions): Promise<Notification[]> {
    return (await this.readLog(options)).notifications;
  }

  readLog(options: ReadNotificationsOptions): Promise<LogPage> {
    return this.#load(
      () => this.#logPage(options, true, (query) => this.#reads.logRows(query)),
      () => this.#logPage(options, false, (query) => this.#rows(query)),
    );
  }

  /**
   * The plain page, read by `read` (the direct statements with epoch timestamps, or the adapter);
   * when it is not settled, the page under the writers' key, read the same way.
   */
  async #logPage(
    options: ReadNotificationsOptions,
    epochTimestamps: boolean,
    read: (query: q.SqlQueryArg) => Promise<unknown[][]>,
  ): Promise<LogPage> {
    const plain = log.plainPage(await read(log.selectLogPage(this.#schema, options, epochTimestamps)), options);
    if (plain.settled) return plain.page;
    // An event at or below the head is not final: with no writer in flight, all visible ones are.
    const locked = await read(log.callLogRead(this.#schema, options, epochTimestamps));
    return log.lockedPage(locked, options) ?? plain.page;
  }

  maxNotificationId(): Promise<bigint> {
    return this.#gate.run(async () => q.toBigInt((await this.#rows(log.selectMaxId(this.#schema)))[0]?.[0]));
  }

  async maxTrackingId(application: string, upstream: string): Promise<bigint> {
    return q.toBigInt((await this.#query(q.selectMaxTrackingId(this.#d, application, upstream)))[0]?.[0]);
  }

  async hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean> {
    return (await this.#query(q.selectTracking(this.#d, application, upstream, notificationId))).length > 0;
  }

  /** The work, the tracking and parked events in one transaction; see {@link Recorder.transaction}. */
  async transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const committed: (() => void)[] = [];
    const result = await this.#gate.run(() =>
      inTransaction(this.adapter, async (tx) => {
        if (this.#searchPath !== undefined) await tx.executeRaw(plain(`SET LOCAL search_path TO ${this.#searchPath}`));
        const value = await work(sqlTransaction(tx, 'postgresql', committed));
        await recordTransactionOptions(tx, this.#d, options, true);
        return value;
      }).catch((error: unknown) => {
        throw explainAdapterError(error, this.#where);
      }),
    );
    for (const fn of committed) fn();
    return result;
  }

  /** Woken by the appends' NOTIFY on a connection of its own, and every `pollIntervalMs` (1 s) in any case. */
  logSignal(options: LogSignalOptions = {}): Promise<LogSignal> {
    return this.#gate.run(() =>
      postgresLogSignal(this.#listen, this.#schema, options.pollIntervalMs ?? 1000).catch((error: unknown) => {
        throw explainAdapterError(error, this.#where);
      }),
    );
  }

  parkedEvents(projection?: string): Promise<ParkedEvent[]> {
    return this.#gate.run(() =>
      readParked(this.adapter, this.#d, projection).catch((error: unknown) => {
        throw explainAdapterError(error, this.#where);
      }),
    );
  }

  saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    return this.#gate.run(async () => {
      try {
        await this.adapter.executeRaw(q.insertSnapshot(this.#d, snapshot));
      } catch (error) {
        throw explainAdapterError(error, this.#where);
      }
    });
  }

  latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    return this.#load(
      () => this.#reads.latestSnapshot(streamId, upTo),
      async () => {
        const row = (await this.#rows(q.selectLatestSnapshot(this.#d, streamId, upTo)))[0];
        return row === undefined ? undefined : q.toSnapshot(row);
      },
    );
  }

  async readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    if (subjects.length === 0) return [];
    return (await this.#query(keySql.selectDataKeys(true, this.#dataKeys, subjects))).map(keySql.toDataKey);
  }

  /**
   * One forget at a time per schema (a transaction lock held to COMMIT): each takes the next forget
   * number after the last committed one, so the numbers commit in order and a reader that sees
   * one has seen every smaller one.
   */
  async forgetDataKey(subject: string): Promise<boolean> {
    const [update, insert] = keySql.forgetDataKey(true, this.#dataKeys, subject, 'CURRENT_TIMESTAMP');
    const st = new Statement(true);
    const lock = st.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('eventforge forgets ' || ${st.param(this.#schema, 'string')}, 0))`,
    );
    return this.#gate.run(() =>
      inTransaction(this.adapter, async (tx) => {
        await tx.executeRaw(lock);
        const deleted = (await tx.queryRaw(update!)).rows.length > 0;
        if (!deleted) await tx.queryRaw(insert!);
        return deleted;
      }).catch((error: unknown) => {
        throw explainAdapterError(error, this.#where);
      }),
    );
  }

  async replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean> {
    return (await this.#query(keySql.replaceDataKey(true, this.#dataKeys, subject, current, replacement))).length > 0;
  }

  async listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]> {
    return (await this.#query(keySql.listDataKeys(true, this.#dataKeys, after, limit, 'COLLATE "C"'))).map(
      keySql.toDataKey,
    );
  }

  get #dataKeys(): string {
    return `${q.quoteIdentifier(this.#schema)}."data_keys"`;
  }

  /**
   * Refuses new work, lets every operation in flight finish (ending the pool first would leave
   * those waiting for a connection unsettled for ever) and the saves' last notification, then ends
   * the pool.
   */
  close(): Promise<void> {
    return this.#gate.close(async () => {
      await this.#saves.settled();
      await this.adapter.dispose();
    });
  }

  /**
   * A load through the direct statements, as an in-flight operation. Should it fail for another
   * reason than a lost database or a full disk, the adapter reads instead: it gives the same
   * rows, or fails with the error the recorder explains (e.g. missing tables and how to create them).
   */
  #load<T>(direct: () => Promise<T>, throughAdapter: () => Promise<T>): Promise<T> {
    return this.#gate.run(async () => {
      try {
        return await direct();
      } catch (error) {
        const failure = storeFailure(error, this.#where);
        if (failure !== undefined) throw failure;
        return throughAdapter();
      }
    });
  }

  /** One statement as an in-flight operation. */
  #query(query: q.SqlQueryArg): Promise<unknown[][]> {
    return this.#gate.run(() => this.#rows(query));
  }

  async #rows(query: q.SqlQueryArg): Promise<unknown[][]> {
    try {
      return (await this.adapter.queryRaw(query)).rows;
    } catch (error) {
      throw explainAdapterError(error, this.#where);
    }
  }
}
