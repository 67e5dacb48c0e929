import type { LogSignal, LogSignalOptions } from './log-signal.js';

/**
 * The persistence interface. One interface, three implementations (in-memory, Prisma + SQLite,
 * Prisma + PostgreSQL), all held to the same conformance suite (test/runtime/recorder-conformance.ts).
 */

/** An event as stored: the payload is opaque bytes (encoded, maybe compressed and encrypted). */
export interface StoredEvent {
  readonly streamId: string;
  /** Position in the stream, from 1; unique together with `streamId`. */
  readonly version: number;
  /** `DogSchool.Dog.TrickAdded` */
  readonly topic: string;
  /** The payload's schema version. */
  readonly schemaVersion: number;
  /** When the event was triggered (millisecond precision). */
  readonly timestamp: Date;
  readonly state: Uint8Array;
  /**
   * Stored beside the payload, in the clear (never encrypted, so never personal data): where the
   * event came from (`causationId`, `correlationId`) and what the saver attached (docs/runtime.md,
   * "Event metadata"). Absent when there is none.
   */
  readonly metadata?: EventMetadata;
  /**
   * The payload as JSON text (`state` then empty): only from reads with `payloads: 'text'`, only
   * where it has no layers. A record that has it cannot be appended: read with bytes to copy.
   */
  readonly stateText?: string;
}

/**
 * An event's metadata: text values by key. A process application sets `causationId` (the
 * upstream event that caused it, `DogSchool:3`) and `correlationId` (the event that began the
 * chain); a save may add its own keys (a user id, a request id).
 * @example { causationId: 'DogSchool:3', correlationId: 'DogSchool:3', userId: 'u-17' }
 */
export interface EventMetadata {
  /** The upstream event whose processing triggered this one: `<application>:<notification id>`. */
  readonly causationId?: string;
  /** The event that began the chain: the causation's own correlation, or the causation itself. */
  readonly correlationId?: string;
  readonly [key: string]: string | undefined;
}

/** A stored event in the application's log, with its global position. */
export interface Notification extends StoredEvent {
  /** Global position in the log: increasing, 64-bit, may have gaps (rolled-back inserts). */
  readonly id: bigint;
}

/** An aggregate's state at one version as stored: the payload is opaque bytes, like an event's. */
export interface StoredSnapshot {
  readonly streamId: string;
  /** The aggregate version the snapshot was taken at. */
  readonly version: number;
  /** `DogSchool.Dog` */
  readonly topic: string;
  /** The state's schema version. */
  readonly schemaVersion: number;
  readonly timestamp: Date;
  readonly state: Uint8Array;
}

/**
 * Marks an upstream notification as processed by a downstream application. The positions of one
 * (application, upstream) only go up; gaps are allowed.
 */
export interface Tracking {
  readonly application: string;
  readonly upstream: string;
  readonly notificationId: bigint;
  /**
   * The fencing token of the lease its writer works under (a worker's, docs/systems.md#fencing).
   * PostgreSQL refuses the record with `FencedError` (and stores nothing) when a newer owner
   * raised the (application, upstream)'s fence above it; other stores, and saves in a caller's
   * transaction (`within`), do not check it (workers run on PostgreSQL and commit on their own).
   */
  readonly epoch?: bigint;
}

/** Options of {@link Recorder.append}. */
export interface AppendOptions {
  /**
   * Recorded in the same transaction as the events. An append whose tracking position is not
   * above the last one of its (application, upstream) fails with `IntegrityError` and stores
   * nothing (exactly-once processing).
   */
  readonly tracking?: Tracking;
  /**
   * Data keys first used by these events, stored in the same transaction. An append bringing a
   * key for a subject that has one (or was forgotten) fails with `DataKeyConflictError` and
   * stores nothing.
   */
  readonly dataKeys?: readonly NewDataKey[];
}

/** A subject's data key, wrapped by the application's key provider (docs/personal-data.md). */
export interface NewDataKey {
  /** Whose personal data the key encrypts: an aggregate id, or the value of a `subject:` field. */
  readonly subject: string;
  readonly wrapped: Uint8Array;
}

/** A subject's row in the key table: its wrapped key, or none once the subject was forgotten. */
export interface StoredDataKey {
  readonly subject: string;
  /** Undefined: forgotten (the key was deleted; personal data of the subject reads as redacted). */
  readonly wrapped: Uint8Array | undefined;
}

/** Options of {@link Recorder.readStream}; all may be combined. */
export interface ReadStreamOptions {
  /** Only versions strictly greater than this. */
  readonly after?: number;
  /** Only versions up to and including this. */
  readonly upTo?: number;
  /** Newest first. */
  readonly descending?: boolean;
  /** At most this many, counted from the chosen end; 0 returns nothing. */
  readonly limit?: number;
  /**
   * `'text'`: for readers that open payloads as the application's mapper does (loads): a store
   * may return a payload without layers (plain JSON) as its text in `stateText`, with `state`
   * empty. Such records cannot be appended again.
   */
  readonly payloads?: 'text';
}

/** Options of {@link Recorder.readNotifications}. */
export interface ReadNotificationsOptions {
  /** First id to return (inclusive). */
  readonly start: bigint;
  /** At most this many (counting only notifications that pass the topic filter); 0 returns nothing. */
  readonly limit: number;
  /** Last id to return (inclusive). */
  readonly stop?: bigint;
  /** Only these topics; all when absent or empty. */
  readonly topics?: readonly string[];
  /**
   * False: the payloads need not be read (`state` may be empty), for readers of the envelopes alone.
   * `'text'`: for readers that open payloads as the application's mapper does: a store may return
   * a payload without layers (plain JSON) as its text in `stateText`, with `state` empty (SQLite
   * does: a string per row costs about half of a byte buffer per row).
   * @default true
   */
  readonly payloads?: boolean | 'text';
}

/** A page of the log and how far it is complete: see {@link Recorder.readLog}. */
export interface LogPage {
  /** The page, in id order: what `readNotifications` returns for the same options. */
  readonly notifications: Notification[];
  /**
   * Every notification with `start` ≤ id ≤ `upTo` that passes the topic filter and will ever be
   * stored is in `notifications`: a reader continues from `upTo + 1` and skips nothing. At least
   * `start - 1` (nothing covered), at most `stop`; past the last notification when events of
   * other topics follow it.
   */
  readonly upTo: bigint;
}

/** A value a {@link RecorderTransaction} statement takes as a parameter. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | Date;

/**
 * The open transaction {@link Recorder.transaction} hands its work: statements on the store's own
 * connection, committed together with the transaction's tracking record (all or nothing). On the
 * in-memory store there is no SQL: `execute` and `query` throw, and a projection keeps its view
 * in memory, applying it in `onCommit`.
 */
export interface RecorderTransaction {
  /**
   * The store the transaction runs on; SQL placeholders are `?` on SQLite and `$1` on PostgreSQL.
   * On PostgreSQL the store's schema comes first on the search path, so unqualified tables are its.
   */
  readonly provider: 'memory' | 'sqlite' | 'postgresql';
  /** Runs one statement; the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs one query; its rows as objects keyed by column name. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]>;
  /** Runs `fn` after the transaction committed (never when it rolled back), in the order added. */
  onCommit(fn: () => void): void;
  /** The store's forget sequence and the projections' watermarks in it, read and moved in this transaction. */
  readonly forgets: ForgetLedger;
}

/** A forgotten subject and its number in the store's forget sequence. */
export interface ForgottenSubject {
  readonly subject: string;
  /** Each forget that deleted a key (or left a new tombstone) takes the next number. */
  readonly sequence: bigint;
}

/**
 * The store numbers every forget (`forgetDataKey`), and each projection with a `forget` keeps,
 * keyed like its tracking, the number it has scrubbed its rows up to: its watermark. A number is
 * visible only once every smaller one is (forgets commit in number order), so a reader that saw
 * `head` has seen every forget up to it (docs/personal-data.md, "Forgetting a person").
 */
export interface ForgetLedger {
  /** The highest forget number committed (0n: none yet) and the watermark of (application, upstream) (0n: none). */
  positions(application: string, upstream: string): Promise<{ head: bigint; watermark: bigint }>;
  /** The subjects forgotten with a number in (after, upTo], in number order, at most `limit`. */
  forgottenBetween(after: bigint, upTo: bigint, limit: number): Promise<ForgottenSubject[]>;
  /** Moves the watermark of (application, upstream) up to `sequence` (never down), with the transaction. */
  advance(application: string, upstream: string, sequence: bigint): Promise<void>;
}

/** An upstream event a projection could not process, set aside so the others can go on (a dead letter). */
export interface ParkedEvent {
  /** The projection's name (its tracking `application`). */
  readonly projection: string;
  readonly notificationId: bigint;
  /** `DogSchool.Dog.TrickAdded` */
  readonly topic: string;
  /** The last failure's message. */
  readonly error: string;
  /** How often processing it failed. */
  readonly attempts: number;
  readonly parkedAt: Date;
}

/** Which parked event: see {@link TransactionOptions.unpark}. */
export interface ParkedEventKey {
  readonly projection: string;
  readonly notificationId: bigint;
}

/** Options of {@link Recorder.transaction}; all are written in the transaction, or nothing is. */
export interface TransactionOptions {
  /**
   * Recorded as `append`'s tracking is: refused with `IntegrityError` (and the whole transaction
   * rolled back) when the position is not above the last one of its (application, upstream).
   */
  readonly tracking?: Tracking;
  /**
   * With `tracking`: the position the work continues from (0n when none). The stored position
   * must be exactly this, else `IntegrityError` and nothing is stored (a second runner of the same
   * projection cannot apply a batch twice); it is then moved to `tracking.notificationId`, so the
   * (application, upstream) keeps one tracking row.
   */
  readonly trackingFrom?: bigint;
  /** Events to park (a second park of the same event replaces the first). */
  readonly park?: readonly ParkedEvent[];
  /** Parked events to remove (processed after all, or given up). */
  readonly unpark?: readonly ParkedEventKey[];
}

/**
 * A transaction the caller opened: Prisma's interactive transaction client (the `tx` of
 * `prisma.$transaction(async (tx) => …)`), of which eventforge uses only the raw-SQL pair, so no
 * Prisma type is needed here and any generated client fits.
 */
export interface PrismaTransactionClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/**
 * The writes of a save, on a transaction the caller opened ({@link Recorder.within}): committed
 * or rolled back with the caller's own writes when the caller's transaction ends.
 */
export interface TransactionWrites {
  /**
   * As {@link Recorder.append}; a refusal (`ConcurrencyError`, `IntegrityError`,
   * `DataKeyConflictError`) undoes this append's rows only and leaves the transaction usable.
   */
  append(events: readonly StoredEvent[], options?: AppendOptions): Promise<bigint[]>;
  /** As {@link Recorder.saveSnapshot}, in the transaction. */
  saveSnapshot(snapshot: StoredSnapshot): Promise<void>;
  /**
   * As {@link Recorder.readDataKeys}, in the transaction: the keys a save needs are read on its
   * connection (on SQLite the recorder's own operations wait while the caller's transaction is open).
   */
  readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]>;
}

/**
 * Where an application's events, snapshots and tracking records are stored. Implementations:
 * the in-memory recorder (memory-recorder.ts) and the SQL recorders on Prisma's driver adapters
 * (sql/). Every method refuses arguments outside the contract of recorder-arguments.ts with
 * `RecorderArgumentError` (the factories wrap their recorders with `withArgumentChecks`).
 */
export interface Recorder {
  /**
   * Stores the events of one or more streams atomically: all or nothing. Throws
   * `ConcurrencyError` when any (streamId, version) already exists, and stores nothing.
   * Returns the notification ids given to the events, in order.
   */
  append(events: readonly StoredEvent[], options?: AppendOptions): Promise<bigint[]>;

  /** A stream's events, oldest first unless `descending`. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /**
   * The log in global order: only notifications no writer still in flight can precede (on
   * PostgreSQL, docs/persistence.md "Gap safety"), so a later read never returns one below them.
   */
  readNotifications(options: ReadNotificationsOptions): Promise<Notification[]>;

  /**
   * `readNotifications` with how far the page is complete, from the same read: where a reader
   * that wants every notification continues (subscriptions, projections).
   */
  readLog(options: ReadNotificationsOptions): Promise<LogPage>;

  /**
   * The highest notification id stored (committed), 0n when the log is empty. On PostgreSQL a
   * log read may not reach it yet while an earlier writer is still in flight (see `readLog`).
   */
  maxNotificationId(): Promise<bigint>;

  /** The highest upstream notification id the application has processed, 0n when none. */
  maxTrackingId(application: string, upstream: string): Promise<bigint>;

  /** Whether the application has processed this upstream notification. */
  hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean>;

  /**
   * Runs `work` in one transaction of the store with the options' tracking and parked events:
   * committed when `work` resolves, rolled back when it (or the tracking check) throws. `work`
   * must not call this recorder (on SQLite it holds the file's lock). Returns what `work` returns.
   */
  transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /**
   * The writes of a save on `tx`, a transaction the caller opened on the same database (a Prisma
   * interactive transaction). The in-memory store has none: `ConfigurationError`.
   */
  within(tx: PrismaTransactionClient): TransactionWrites;

  /**
   * A new signal that wakes readers waiting at the head of the log when events may have been
   * committed (by this process or another); the caller closes it.
   */
  logSignal(options?: LogSignalOptions): Promise<LogSignal>;

  /** The parked events, of one projection or all, by projection then notification id. */
  parkedEvents(projection?: string): Promise<ParkedEvent[]>;

  /** Stores a snapshot; a second snapshot of the same stream and version is ignored. */
  saveSnapshot(snapshot: StoredSnapshot): Promise<void>;

  /** The newest snapshot of the stream at or below `upTo` (any when absent). */
  latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined>;

  /** The key rows of these subjects (subjects without one are left out). */
  readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]>;

  /**
   * Deletes the subject's data key and leaves a tombstone (so no new key is made for it).
   * Returns whether a key was deleted (false: no key, or forgotten before).
   */
  forgetDataKey(subject: string): Promise<boolean>;

  /**
   * Overwrites in the database's files what a forget's writes left behind (the key row, and rows
   * its projections scrubbed after it): SQLite moves the WAL into the file, whose freed bytes
   * `secure_delete` has zeroed, and keeps zeroing on for the connection's later writes.
   * `app.forget` calls it last; a projection runner before and after it scrubs rows. Stores
   * without such copies have none.
   */
  eraseFreed?(): Promise<void>;

  /**
   * Replaces a wrapped key (master-key rotation) if it is still `current`; returns whether it did.
   */
  replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean>;

  /** Key rows in subject order, after `after` (exclusive), at most `limit`; tombstones included. */
  listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]>;

  /**
   * Refuses new work with `ClosedError`, lets every operation in flight finish or fail, then
   * releases the file or pool. Safe to call again: every call resolves after the release.
   */
  close(): Promise<void>;
}
