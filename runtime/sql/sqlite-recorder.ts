/**
 * The embedded default: events in one SQLite file, through Prisma's better-sqlite3 driver adapter.
 * WAL mode (readers never wait for the writer), a busy timeout for other processes, and a
 * per-file lock for connections of this process (better-sqlite3 would block the thread instead).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ClosingGate } from '../closing-gate.js';
import { ConfigurationError, DataKeyConflictError } from '../errors.js';
import type {
  AppendOptions,
  Notification,
  ParkedEvent,
  ReadNotificationsOptions,
  ReadStreamOptions,
  Recorder,
  StoredDataKey,
  StoredEvent,
  RecorderTransaction,
  StoredSnapshot,
  TransactionOptions,
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
import { adapterErrorKind, explainAdapterError, type ArgScalar, type SqlAdapter } from './driver-adapter.js';
import { SqliteStreamReads } from './sqlite-stream-reads.js';
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

const dialect: q.Dialect = {
  numbered: false,
  events: '"events"',
  snapshots: '"snapshots"',
  tracking: '"tracking"',
  parked: '"parked_events"',
  timestamp: (date) => date.getTime(),
};

const DATA_KEYS = '"data_keys"';
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
  const { PrismaBetterSqlite3 } = await loadSqliteAdapter();
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const factory = new PrismaBetterSqlite3({ url: path, timeout: busyTimeoutMs }, { timestampFormat: 'unixepoch-ms' });
  const adapter = await factory.connect();
  const lock = inMemory ? new Mutex() : sharedMutex(resolve(path));
  let reads: SqliteStreamReads | undefined;
  try {
    await lock.run(async () => {
      // WAL persists in the file; synchronous=FULL keeps every committed event through a power cut.
      if (!inMemory) await adapter.executeScript('PRAGMA journal_mode = WAL');
      await adapter.executeScript(`PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      if (options.createTables !== false)
        await migrateSqlite(adapter, readMigrations(storeMigrationsDir('sqlite'), 'sqlite'));
    });
    if (!inMemory) reads = openReads(await loadBetterSqlite3(), path, busyTimeoutMs);
  } catch (error) {
    await adapter.dispose();
    throw explainAdapterError(error, `SQLite ${path}`);
  }
  return withArgumentChecks(new SqliteRecorder(adapter, lock, path, inMemory ? path : resolve(path), reads));
}

/**
 * The direct reads' connection, or undefined when it cannot be opened (the adapter then reads:
 * slower, but the recorder works wherever the adapter's connection does).
 */
function openReads(
  openDatabase: ConstructorParameters<typeof SqliteStreamReads>[0],
  path: string,
  busyTimeoutMs: number,
): SqliteStreamReads | undefined {
  try {
    return new SqliteStreamReads(openDatabase, path, busyTimeoutMs, dialect);
  } catch {
    return undefined;
  }
}

/** Ends a failed transaction; SQLite may have ended it already (e.g. on a full disk), which is fine. */
async function rollback(adapter: SqlAdapter): Promise<void> {
  await adapter.executeScript('ROLLBACK').catch(() => undefined);
}

function argType(value: unknown): ArgScalar {
  return typeof value === 'number' ? 'int' : typeof value === 'bigint' ? 'bigint' : 'string';
}

/** A migration session on the adapter's connection, inside `BEGIN IMMEDIATE` (the write lock). */
export function sqliteSession(adapter: SqlAdapter): MigrationSession {
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
  adapter: SqlAdapter,
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
    private readonly adapter: SqlAdapter,
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
    return this.#locked(async () => {
      try {
        // One statement is atomic on its own: a taken (stream, version) fails all of it.
        const keys = options.dataKeys ?? [];
        const ids =
          tracking === undefined && keys.length === 0 && events.length <= q.ROWS_PER_INSERT
            ? await this.#insert(events)
            : await this.#appendInTransaction(events, tracking, keys);
        if (ids.length > 0) announceAppend(this.file);
        return ids;
      } catch (error) {
        if (adapterErrorKind(error) !== 'UniqueConstraintViolation') throw error;
        // Read after the rollback, so the refused append's own rows do not count.
        throw await refusal(events, async (query) => (await this.adapter.queryRaw(query)).rows, dialect);
      }
    });
  }

  /** With a tracking record, or too many events for one statement: `BEGIN IMMEDIATE` takes the write lock up front. */
  async #appendInTransaction(
    events: readonly StoredEvent[],
    tracking: AppendOptions['tracking'],
    keys: NonNullable<AppendOptions['dataKeys']> = [],
  ): Promise<bigint[]> {
    const a = this.adapter;
    await a.executeScript('BEGIN IMMEDIATE');
    try {
      // Events first: when both collide, the conflict is reported (as the in-memory recorder does).
      const ids: bigint[] = [];
      for (let i = 0; i < events.length; i += q.ROWS_PER_INSERT) {
        ids.push(...(await this.#insert(events.slice(i, i + q.ROWS_PER_INSERT))));
      }
      if (keys.length > 0) await this.#insertDataKeys(keys);
      if (tracking !== undefined) await insertTrackingOnce(a, dialect, tracking);
      await a.executeScript('COMMIT');
      return ids;
    } catch (error) {
      await rollback(a);
      throw error;
    }
  }

  /** Inserts the events in one statement; their ids in the events' order. */
  async #insert(events: readonly StoredEvent[]): Promise<bigint[]> {
    const result = await this.adapter.queryRaw(q.insertEvents(dialect, events, 'fail'));
    return result.rows.map((r) => q.toBigInt(r[0])).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }

  /** Inserts a save's new data keys; a subject with a row already refuses the save. */
  async #insertDataKeys(keys: NonNullable<AppendOptions['dataKeys']>): Promise<void> {
    const stored = new Set(
      (await this.adapter.queryRaw(keySql.insertDataKeys(false, DATA_KEYS, keys))).rows.map((r) => r[0] as string),
    );
    const taken = keys.filter((k) => !stored.has(k.subject)).map((k) => k.subject);
    if (taken.length > 0) throw new DataKeyConflictError(taken);
  }

  readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    if (subjects.length === 0) return Promise.resolve([]);
    return this.#locked(async () =>
      (await this.adapter.queryRaw(keySql.selectDataKeys(false, DATA_KEYS, subjects))).rows.map(keySql.toDataKey),
    );
  }

  forgetDataKey(subject: string): Promise<boolean> {
    const [update, insert] = keySql.forgetDataKey(false, DATA_KEYS, subject, NOW_MS);
    return this.#locked(async () => {
      // Zero the freed bytes of the key's row, and move the WAL's copies of its page into the file.
      await this.adapter.executeScript('PRAGMA secure_delete = ON');
      const deleted = (await this.adapter.queryRaw(update!)).rows.length > 0;
      if (!deleted) await this.adapter.executeRaw(insert!);
      await this.adapter.executeScript('PRAGMA wal_checkpoint(TRUNCATE)');
      return deleted;
    });
  }

  eraseFreed(): Promise<void> {
    return this.#locked(async () => {
      await this.adapter.executeScript('PRAGMA secure_delete = ON');
      await this.adapter.executeScript('PRAGMA wal_checkpoint(TRUNCATE)');
    });
  }

  replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean> {
    return this.#locked(
      async () =>
        (await this.adapter.queryRaw(keySql.replaceDataKey(false, DATA_KEYS, subject, current, replacement))).rows
          .length > 0,
    );
  }

  listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]> {
    return this.#locked(async () =>
      (await this.adapter.queryRaw(keySql.listDataKeys(false, DATA_KEYS, after, limit, ''))).rows.map(keySql.toDataKey),
    );
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.#locked(() =>
      this.#read(
        (reads) => reads.readStream(streamId, options),
        async () => (await this.adapter.queryRaw(q.selectStream(dialect, streamId, options))).rows.map(q.toStoredEvent),
      ),
    );
  }

  readNotifications(options: ReadNotificationsOptions): Promise<Notification[]> {
    return this.#locked(() =>
      this.#read(
        (reads) => reads.readNotifications(options),
        async () => (await this.adapter.queryRaw(q.selectNotifications(dialect, options))).rows.map(q.toNotification),
      ),
    );
  }

  maxNotificationId(): Promise<bigint> {
    return this.#locked(async () =>
      q.toBigInt((await this.adapter.queryRaw(q.selectMaxNotificationId(dialect))).rows[0]?.[0]),
    );
  }

  maxTrackingId(application: string, upstream: string): Promise<bigint> {
    return this.#locked(async () =>
      q.toBigInt((await this.adapter.queryRaw(q.selectMaxTrackingId(dialect, application, upstream))).rows[0]?.[0]),
    );
  }

  hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean> {
    return this.#locked(
      async () =>
        (await this.adapter.queryRaw(q.selectTracking(dialect, application, upstream, notificationId))).rows.length > 0,
    );
  }

  /** `BEGIN IMMEDIATE`, the work, the tracking and parked events, `COMMIT`; see {@link Recorder.transaction}. */
  async transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const committed: (() => void)[] = [];
    const result = await this.#locked(async () => {
      const a = this.adapter;
      await a.executeScript('BEGIN IMMEDIATE');
      try {
        const value = await work(sqlTransaction(a, 'sqlite', committed));
        await recordTransactionOptions(a, dialect, options, false);
        await a.executeScript('COMMIT');
        return value;
      } catch (error) {
        await rollback(a);
        throw error;
      }
    });
    for (const fn of committed) fn();
    return result;
  }

  /** Woken by this process's appends at once, by other processes' within `pollIntervalMs` (50 ms). */
  logSignal(options: LogSignalOptions = {}): Promise<LogSignal> {
    return this.#gate.run(() => sqliteLogSignal(this.file, options.pollIntervalMs ?? 50));
  }

  parkedEvents(projection?: string): Promise<ParkedEvent[]> {
    return this.#locked(() => readParked(this.adapter, dialect, projection));
  }

  saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    return this.#locked(async () => {
      await this.adapter.executeRaw(q.insertSnapshot(dialect, snapshot));
    });
  }

  latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    return this.#locked(() =>
      this.#read(
        (reads) => reads.latestSnapshot(streamId, upTo),
        async () => {
          const row = (await this.adapter.queryRaw(q.selectLatestSnapshot(dialect, streamId, upTo))).rows[0];
          return row === undefined ? undefined : q.toSnapshot(row);
        },
      ),
    );
  }

  /** Refuses new work, lets the queued and running operations finish, then closes the file. */
  close(): Promise<void> {
    return this.#gate.close(() =>
      this.lock.run(async () => {
        this.reads?.close();
        await this.adapter.dispose();
      }),
    );
  }

  /**
   * A read on the direct connection. Should it fail for any other reason than a full disk or a
   * lost database, the adapter reads instead: it gives the same rows, or fails with the error the
   * recorder explains (e.g. missing tables and how to create them).
   */
  async #read<T>(direct: (reads: SqliteStreamReads) => T, throughAdapter: () => Promise<T>): Promise<T> {
    if (this.reads === undefined) return throughAdapter();
    try {
      return direct(this.reads);
    } catch (error) {
      if (storeFailure(error, `SQLite ${this.where}`) !== undefined) throw error;
      return throughAdapter();
    }
  }

  #locked<T>(work: () => Promise<T>): Promise<T> {
    return this.#gate.run(() =>
      this.lock.run(work).catch((error: unknown) => {
        throw explainAdapterError(error, `SQLite ${this.where}`);
      }),
    );
  }
}
