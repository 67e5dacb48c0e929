/**
 * The embedded default: events in one SQLite file, on a better-sqlite3 connection of its own
 * (sqlite-direct.ts), or on the Prisma driver adapter a PrismaClient shares. WAL mode (readers
 * never wait for the writer), a busy timeout for other processes, and a per-file lock for
 * connections of this process (better-sqlite3 would block the thread instead).
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ClosingGate } from '../closing-gate.js';
import { ConfigurationError, DataKeyConflictError } from '../errors.js';
import { completeUpTo } from '../log-page.js';
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
import { insertTrackingOnce } from './conflicts.js';
import {
  applyMigrations,
  storeMigrationsDir,
  readMigrations,
  type ApplyOptions,
  type Migration,
  type MigrationReport,
  type MigrationSession,
} from './migrations.js';
import { Mutex, sharedMutex } from './mutex.js';
import * as q from './dialect.js';
import { refusal } from './refusal.js';
import { loadBetterSqlite3, loadSqliteAdapter } from './drivers.js';
import { announceAppend, type LogSignal, type LogSignalOptions } from '../log-signal.js';
import { sqliteLogSignal } from './log-signals.js';
import { readParked, recordTransactionOptions, sqlTransaction } from './transaction-work.js';
import {
  adapterErrorKind,
  explainAdapterError,
  plain,
  type ArgScalar,
  type SqliteConnection,
} from './driver-adapter.js';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { SqliteStreamReads } from './sqlite-stream-reads.js';
import { sqliteTransactionWrites } from './sqlite-transaction-writes.js';
import { ownConnection, sharedConnection, type SqliteSession, type SqliteSessions } from './sqlite-session.js';
import { SqliteDirect } from './sqlite-direct.js';
import { storeFailure } from './store-failures.js';

/** Options of {@link createSqliteRecorder}. */
export interface SqliteRecorderOptions {
  /**
   * The database file (created with its folder when missing), a `file:` URL, or `:memory:`.
   * @example 'data/dog-school.db'
   */
  readonly filename: string;
  /**
   * How long a write waits for another process's write lock before failing.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * Apply the bundled migrations (create the tables) when the database lacks them.
   * @default true
   */
  readonly createTables?: boolean;
  /**
   * `full`: every commit reaches the disk before `append` returns (survives power loss).
   * `normal`: with WAL, commits survive a crash of the application but the last ones may be lost
   * on power loss; about 20× faster small commits on this project's machines.
   * @default 'full'
   */
  readonly synchronous?: 'full' | 'normal';
}

/** The SQLite recorder's tables and placeholders. */
export const sqliteDialect: q.Dialect = {
  numbered: false,
  events: '"events"',
  snapshots: '"snapshots"',
  tracking: '"tracking"',
  parked: '"parked_events"',
  timestamp: (date) => date.getTime(),
  // Payloads start with a layer tag byte below 0x09 (payload-envelope.ts) or are UTF-8 JSON text.
  textState: "CASE WHEN substr(state, 1, 1) >= x'09' THEN CAST(state AS TEXT) ELSE state END",
};

export const DATA_KEYS = '"data_keys"';
/** Now in epoch milliseconds, as SQLite stores the recorder's timestamps. */
const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/** The path better-sqlite3 opens: `file:` stripped, `:memory:` kept. */
export function sqlitePath(filename: string): string {
  const path = filename.startsWith('file:') ? filename.slice('file:'.length).replace(/\?.*$/, '') : filename;
  if (path === '')
    throw new ConfigurationError(`SQLite filename "${filename}" names no file; give a path such as data/app.db`);
  return path;
}

/**
 * Opens (and on first use creates) a SQLite event store.
 * @example const recorder = await createSqliteRecorder({ filename: 'data/dog-school.db' });
 */
export async function createSqliteRecorder(options: SqliteRecorderOptions): Promise<Recorder> {
  const path = sqlitePath(options.filename);
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const openDatabase = await loadBetterSqlite3();
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let connection: SqliteDirect;
  try {
    connection = new SqliteDirect(openDatabase, path, busyTimeoutMs);
  } catch (error) {
    throw explainAdapterError(error, `SQLite ${path}`);
  }
  const lock = inMemory ? new Mutex() : sharedMutex(resolve(path));
  let reads: SqliteStreamReads | undefined;
  try {
    await lock.run(async () => {
      // WAL persists in the file; synchronous=FULL keeps every committed event through a power cut.
      if (!inMemory) await connection.executeScript('PRAGMA journal_mode = WAL');
      await connection.executeScript(`PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      if (options.createTables !== false)
        await migrateSqlite(connection, readMigrations(storeMigrationsDir('sqlite'), 'sqlite'));
    });
    // The reads share the connection: under the file's lock no transaction of it is open while they read.
    reads = new SqliteStreamReads(connection.database, sqliteDialect);
  } catch (error) {
    await connection.dispose();
    throw explainAdapterError(error, `SQLite ${path}`);
  }
  return withArgumentChecks(
    new SqliteRecorder(connection, ownConnection(connection), lock, path, inMemory ? path : resolve(path), reads),
  );
}

/**
 * The store in the SQLite file your PrismaClient's adapter (`PrismaBetterSqlite3`) opens, on the
 * adapter's connection: give both the same `shareAdapter(...)` and the process has one connection
 * that writes (eventforge's direct reads keep their read-only one). Every operation runs in a
 * transaction of the adapter's, so none lands inside a Prisma transaction open on it. The tables
 * must exist: apply the store's migrations with your others (docs/prisma.md).
 */
export async function createSqliteRecorderOnAdapter(
  factory: SqlDriverAdapterFactory,
  options: { readonly busyTimeoutMs?: number } = {},
): Promise<Recorder> {
  const adapter = await factory.connect();
  try {
    // The file the adapter opened ('' for a database in memory): the direct reads open it too.
    const files = (await adapter.queryRaw(plain('PRAGMA database_list'))).rows;
    const file = String(files.find((row) => row[1] === 'main')?.[2] ?? '');
    const path = file === '' ? ':memory:' : file;
    const lock = path === ':memory:' ? new Mutex() : sharedMutex(path);
    const reads =
      path === ':memory:' ? undefined : openReads(await loadBetterSqlite3(), path, options.busyTimeoutMs ?? 5000);
    return withArgumentChecks(new SqliteRecorder(adapter, sharedConnection(adapter), lock, path, path, reads));
  } catch (error) {
    await adapter.dispose();
    throw explainAdapterError(error, 'SQLite (your Prisma adapter)');
  }
}

/**
 * The direct reads' connection, or undefined when it cannot be opened (the adapter then reads:
 * slower, but the recorder works wherever the adapter's connection does).
 */
function openReads(openDatabase: typeof Database, path: string, busyTimeoutMs: number): SqliteStreamReads | undefined {
  try {
    const db = new openDatabase(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    return new SqliteStreamReads(db, sqliteDialect);
  } catch {
    return undefined;
  }
}

/** Ends a failed transaction; SQLite may have ended it already (e.g. on a full disk), which is fine. */
async function rollback(adapter: MigrationConnection): Promise<void> {
  await adapter.executeScript('ROLLBACK').catch(() => undefined);
}

/**
 * Payloads as bytes where `'text'` was asked: Prisma's adapter types a column without a declared
 * type by its first value, and refuses a BLOB there after text.
 */
function asBytes(options: ReadNotificationsOptions): ReadNotificationsOptions {
  return options.payloads === 'text' ? { ...options, payloads: true } : options;
}

function argType(value: unknown): ArgScalar {
  return typeof value === 'number' ? 'int' : typeof value === 'bigint' ? 'bigint' : 'string';
}

/** What migrations run on: the adapter, or the recorder's own connection (sqlite-direct.ts). */
type MigrationConnection = Pick<SqliteConnection, 'executeScript' | 'queryRaw'>;

/** A migration session on the adapter's connection, inside `BEGIN IMMEDIATE` (the write lock). */
export function sqliteSession(adapter: MigrationConnection): MigrationSession {
  return {
    provider: 'sqlite',
    script: (sql) => adapter.executeScript(sql),
    rows: async (sql, params) =>
      (
        await adapter.queryRaw({
          sql,
          args: [...params],
          argTypes: params.map((p) => ({ scalarType: argType(p), arity: 'scalar' })),
        })
      ).rows,
  };
}

/** Applies `migrations` on the adapter's connection, all or nothing. */
export async function migrateSqlite(
  adapter: MigrationConnection,
  migrations: readonly Migration[],
  options: ApplyOptions = {},
): Promise<MigrationReport> {
  await adapter.executeScript('BEGIN IMMEDIATE');
  try {
    const report = await applyMigrations(sqliteSession(adapter), migrations, options);
    await adapter.executeScript('COMMIT');
    return report;
  } catch (error) {
    await rollback(adapter);
    throw error;
  }
}

/** Applies `migrations` to a SQLite file (created when missing); what `eventforge migrate` runs. */
export async function migrateSqliteFile(
  filename: string,
  migrations: readonly Migration[],
  options: ApplyOptions = {},
): Promise<MigrationReport> {
  const path = sqlitePath(filename);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const { PrismaBetterSqlite3 } = await loadSqliteAdapter();
  const adapter = await new PrismaBetterSqlite3({ url: path }).connect();
  try {
    return await sharedMutex(resolve(path)).run(async () => {
      if (path !== ':memory:' && options.dryRun !== true) await adapter.executeScript('PRAGMA journal_mode = WAL');
      return migrateSqlite(adapter, migrations, options);
    });
  } catch (error) {
    throw explainAdapterError(error, `SQLite ${path}`);
  } finally {
    await adapter.dispose();
  }
}

class SqliteRecorder implements Recorder {
  readonly #gate: ClosingGate;
  constructor(
    /** The recorder's own connection (sqlite-direct.ts) or the user's adapter. */
    private readonly adapter: SqliteConnection,
    /** How each operation gets the adapter's connection: sqlite-session.ts. */
    private readonly sessions: SqliteSessions,
    private readonly lock: Mutex,
    /** The file, for error messages. */
    private readonly where: string,
    /** The file's absolute path: what this process's log signals of the file listen on. */
    private readonly file: string,
    /** Stream, snapshot and log reads on their own connection; absent for a database in memory. */
    private readonly reads: SqliteStreamReads | undefined,
  ) {
    this.#gate = new ClosingGate(`the SQLite recorder ${where}`);
  }

  append(events: readonly StoredEvent[], options: AppendOptions = {}): Promise<bigint[]> {
    const tracking = options.tracking;
    if (events.length === 0 && tracking === undefined) return Promise.resolve([]);
    return this.#locked(async (s) => {
      try {
        // One statement is atomic on its own: a taken (stream, version) fails all of it.
        const keys = options.dataKeys ?? [];
        const ids =
          tracking === undefined && keys.length === 0 && events.length <= q.ROWS_PER_INSERT
            ? await this.#insert(s, events)
            : await this.#appendInTransaction(s, events, tracking, keys);
        if (ids.length > 0) announceAppend(this.file);
        return ids;
      } catch (error) {
        if (adapterErrorKind(error) !== 'UniqueConstraintViolation') throw error;
        // Read after the rollback, so the refused append's own rows do not count.
        throw await refusal(events, async (query) => (await s.queryRaw(query)).rows, sqliteDialect);
      }
    });
  }

  /** With a tracking record, or too many events for one statement: one unit (`BEGIN IMMEDIATE` takes the write lock up front). */
  async #appendInTransaction(
    s: SqliteSession,
    events: readonly StoredEvent[],
    tracking: AppendOptions['tracking'],
    keys: NonNullable<AppendOptions['dataKeys']> = [],
  ): Promise<bigint[]> {
    await s.begin();
    try {
      // Events first: when both collide, the conflict is reported (as the in-memory recorder does).
      const ids: bigint[] = [];
      for (let i = 0; i < events.length; i += q.ROWS_PER_INSERT) {
        ids.push(...(await this.#insert(s, events.slice(i, i + q.ROWS_PER_INSERT))));
      }
      if (keys.length > 0) await this.#insertDataKeys(s, keys);
      if (tracking !== undefined) await insertTrackingOnce(s, sqliteDialect, tracking);
      await s.commit();
      return ids;
    } catch (error) {
      await s.rollback();
      throw error;
    }
  }

  /** Inserts the events in one statement; their ids in the events' order. */
  async #insert(s: SqliteSession, events: readonly StoredEvent[]): Promise<bigint[]> {
    const result = await s.queryRaw(q.insertEvents(sqliteDialect, events, 'fail'));
    return result.rows.map((r) => q.toBigInt(r[0])).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }

  /** Inserts a save's new data keys; a subject with a row already refuses the save. */
  async #insertDataKeys(s: SqliteSession, keys: NonNullable<AppendOptions['dataKeys']>): Promise<void> {
    const stored = new Set(
      (await s.queryRaw(keySql.insertDataKeys(false, DATA_KEYS, keys))).rows.map((r) => r[0] as string),
    );
    const taken = keys.filter((k) => !stored.has(k.subject)).map((k) => k.subject);
    if (taken.length > 0) throw new DataKeyConflictError(taken);
  }

  readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    if (subjects.length === 0) return Promise.resolve([]);
    return this.#locked(async (s) =>
      (await s.queryRaw(keySql.selectDataKeys(false, DATA_KEYS, subjects))).rows.map(keySql.toDataKey),
    );
  }

  async forgetDataKey(subject: string): Promise<boolean> {
    const [update, insert] = keySql.forgetDataKey(false, DATA_KEYS, subject, NOW_MS);
    const deleted = await this.#locked(async (s) => {
      // Zero the freed bytes of the key's row.
      await s.script('PRAGMA secure_delete = ON');
      const deleted = (await s.queryRaw(update!)).rows.length > 0;
      if (!deleted) await s.executeRaw(insert!);
      return deleted;
    });
    // Then move the WAL's copies of its page into the file: outside the session, whose
    // transaction (on a connection shared with Prisma) a checkpoint cannot run in.
    await this.eraseFreed();
    return deleted;
  }

  eraseFreed(): Promise<void> {
    return this.#locked(async () => {
      await this.adapter.executeScript('PRAGMA secure_delete = ON');
      await this.adapter.executeScript('PRAGMA wal_checkpoint(TRUNCATE)');
    });
  }

  replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean> {
    return this.#locked(
      async (s) =>
        (await s.queryRaw(keySql.replaceDataKey(false, DATA_KEYS, subject, current, replacement))).rows.length > 0,
    );
  }

  listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]> {
    return this.#locked(async (s) =>
      (await s.queryRaw(keySql.listDataKeys(false, DATA_KEYS, after, limit, ''))).rows.map(keySql.toDataKey),
    );
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.#read(
      (reads) => reads.readStream(streamId, options),
      async (s) => (await s.queryRaw(q.selectStream(sqliteDialect, streamId, options))).rows.map(q.toStoredEvent),
    );
  }

  readNotifications(options: ReadNotificationsOptions): Promise<Notification[]> {
    return this.#read(
      (reads) => reads.readNotifications(options),
      async (s) =>
        (await s.queryRaw(q.selectNotifications(sqliteDialect, asBytes(options)))).rows.map(q.toNotification),
    );
  }

  /**
   * The head first, then the page: SQLite has one writer at a time, so every id up to a head read
   * earlier is visible to the page's read (see {@link Recorder.readLog}).
   */
  readLog(options: ReadNotificationsOptions): Promise<LogPage> {
    return this.#read(
      (reads) => {
        const head = reads.maxNotificationId();
        const notifications = reads.readNotifications(options, head);
        return { notifications, upTo: completeUpTo(options, notifications, head) };
      },
      async (s) => {
        const head = q.toBigInt((await s.queryRaw(q.selectMaxNotificationId(sqliteDialect))).rows[0]?.[0]);
        const notifications = (await s.queryRaw(q.selectNotifications(sqliteDialect, asBytes(options)))).rows.map(
          q.toNotification,
        );
        return { notifications, upTo: completeUpTo(options, notifications, head) };
      },
    );
  }

  maxNotificationId(): Promise<bigint> {
    return this.#locked(async (s) =>
      q.toBigInt((await s.queryRaw(q.selectMaxNotificationId(sqliteDialect))).rows[0]?.[0]),
    );
  }

  maxTrackingId(application: string, upstream: string): Promise<bigint> {
    return this.#locked(async (s) =>
      q.toBigInt((await s.queryRaw(q.selectMaxTrackingId(sqliteDialect, application, upstream))).rows[0]?.[0]),
    );
  }

  hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean> {
    return this.#locked(
      async (s) =>
        (await s.queryRaw(q.selectTracking(sqliteDialect, application, upstream, notificationId))).rows.length > 0,
    );
  }

  /** One unit: the work, the tracking and parked events; see {@link Recorder.transaction}. */
  async transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const committed: (() => void)[] = [];
    const result = await this.#locked(async (s) => {
      await s.begin();
      try {
        const value = await work(sqlTransaction(s, 'sqlite', committed));
        await recordTransactionOptions(s, sqliteDialect, options, false);
        await s.commit();
        return value;
      } catch (error) {
        await s.rollback();
        throw error;
      }
    });
    for (const fn of committed) fn();
    return result;
  }

  /** Saves on the caller's Prisma transaction (on a connection to this file): sqlite-transaction-writes.ts. */
  within(tx: PrismaTransactionClient): TransactionWrites {
    this.#gate.assertOpen();
    return sqliteTransactionWrites(tx, `SQLite ${this.where}`);
  }

  /** Woken by this process's appends at once, by other processes' within `pollIntervalMs` (50 ms). */
  logSignal(options: LogSignalOptions = {}): Promise<LogSignal> {
    return this.#gate.run(() => sqliteLogSignal(this.file, options.pollIntervalMs ?? 50));
  }

  parkedEvents(projection?: string): Promise<ParkedEvent[]> {
    return this.#locked((s) => readParked(s, sqliteDialect, projection));
  }

  saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    return this.#locked(async (s) => {
      await s.executeRaw(q.insertSnapshot(sqliteDialect, snapshot));
    });
  }

  latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    return this.#read(
      (reads) => reads.latestSnapshot(streamId, upTo),
      async (s) => {
        const row = (await s.queryRaw(q.selectLatestSnapshot(sqliteDialect, streamId, upTo))).rows[0];
        return row === undefined ? undefined : q.toSnapshot(row);
      },
    );
  }

  /** Refuses new work, lets the queued and running operations finish, then closes the file. */
  close(): Promise<void> {
    return this.#gate.close(() =>
      this.lock.run(async () => {
        this.reads?.close(); // on the recorder's own connection: closed here, disposed as well (a no-op)
        await this.adapter.dispose();
      }),
    );
  }

  /**
   * A read on the direct connection, under the file's lock. Should it fail for any other reason
   * than a full disk or a lost database, the adapter reads instead: it gives the same rows, or
   * fails with the error the recorder explains (e.g. missing tables and how to create them).
   */
  #read<T>(direct: (reads: SqliteStreamReads) => T, throughAdapter: (s: SqliteSession) => Promise<T>): Promise<T> {
    return this.#gate.run(() =>
      this.lock
        .run(async () => {
          if (this.reads !== undefined) {
            try {
              return direct(this.reads);
            } catch (error) {
              if (storeFailure(error, `SQLite ${this.where}`) !== undefined) throw error;
            }
          }
          return this.sessions(throughAdapter);
        })
        .catch((error: unknown) => {
          throw explainAdapterError(error, `SQLite ${this.where}`);
        }),
    );
  }

  #locked<T>(work: (s: SqliteSession) => Promise<T>): Promise<T> {
    return this.#gate.run(() =>
      this.lock
        .run(() => this.sessions(work))
        .catch((error: unknown) => {
          throw explainAdapterError(error, `SQLite ${this.where}`);
        }),
    );
  }
}
