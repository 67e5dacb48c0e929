import { CheckedRecorder } from './checked-recorder.js';
import { ClosingGate } from './closing-gate.js';
import { ConcurrencyError, ConfigurationError, DataKeyConflictError, EventforgeError } from './errors.js';
import { announceAppend, inProcessSignal, type LogSignal } from './log-signal.js';
import { completeUpTo } from './log-page.js';
import { trackingRefusal } from './tracking-refusal.js';
import type {
  AppendOptions,
  ForgetLedger,
  ForgottenSubject,
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
  Tracking,
  TransactionOptions,
  TransactionWrites,
} from './recorder.js';

/** One stream's events, kept sorted by version, with a version index for conflict checks. */
interface Stream {
  readonly events: Notification[];
  readonly versions: Set<number>;
}

/** Tracking records of one (application, upstream) pair. */
interface TrackingLog {
  readonly ids: Set<bigint>;
  max: bigint;
}

/** Options of {@link createMemoryRecorder}. */
export interface MemoryRecorderOptions {
  /**
   * The id of the first event appended, as a database whose sequence had come that far would
   * give it (to test code that must handle ids beyond 2^53).
   * @default 1n
   */
  readonly firstNotificationId?: bigint;
}

/**
 * A recorder that keeps everything in process memory: for tests, examples and single-process
 * prototypes. It behaves like the database recorders (same conformance suite): appends are
 * all or nothing, a rejected append leaves no trace, and payload bytes are copied in and out so
 * callers can never alter what was stored. {@link MemoryRecorder} puts the argument checks in front.
 */
class MemoryStore implements Recorder {
  readonly #streams = new Map<string, Stream>();
  readonly #log: Notification[] = [];
  readonly #tracking = new Map<string, TrackingLog>();
  readonly #snapshots = new Map<string, StoredSnapshot[]>();
  /** Wrapped data keys by subject; undefined once forgotten (the tombstone). */
  readonly #dataKeys = new Map<string, Uint8Array | undefined>();
  readonly #parked = new Map<string, ParkedEvent>();
  /** The forget sequence: forgets in order, the number of each its place from 1. */
  readonly #forgotten: ForgottenSubject[] = [];
  /** Projections' watermarks in it, by tracking key. */
  readonly #watermarks = new Map<string, bigint>();
  #lastId: bigint;
  // Every operation runs to completion without suspending, so none is ever in flight at close.
  readonly #gate = new ClosingGate('the in-memory recorder');

  constructor(firstNotificationId: bigint) {
    this.#lastId = firstNotificationId - 1n;
  }

  /** Stores the events atomically; see {@link Recorder.append}. */
  async append(events: readonly StoredEvent[], options: AppendOptions = {}): Promise<bigint[]> {
    this.#assertOpen();
    // Check everything before changing anything: a rejected append must leave no trace.
    const batch = new Map<string, Set<number>>();
    for (const event of events) {
      const stream = this.#streams.get(event.streamId);
      let seen = batch.get(event.streamId);
      if (seen === undefined) batch.set(event.streamId, (seen = new Set()));
      if (stream?.versions.has(event.version) || seen.has(event.version)) {
        throw new ConcurrencyError(event.streamId, event.version - 1, currentVersion(stream, seen));
      }
      seen.add(event.version);
    }
    const tracking = options.tracking;
    if (tracking !== undefined) this.#checkTracking(tracking, undefined);
    const newKeys = options.dataKeys ?? [];
    const taken = newKeys.filter((k) => this.#dataKeys.has(k.subject)).map((k) => k.subject);
    if (taken.length > 0) throw new DataKeyConflictError(taken);
    for (const key of newKeys) this.#dataKeys.set(key.subject, new Uint8Array(key.wrapped));

    const ids: bigint[] = [];
    for (const event of events) {
      const notification: Notification = { ...copyRecord(event), id: ++this.#lastId };
      let stream = this.#streams.get(event.streamId);
      if (stream === undefined) {
        stream = { events: [], versions: new Set() };
        this.#streams.set(event.streamId, stream);
      }
      insertSorted(stream.events, notification);
      stream.versions.add(event.version);
      this.#log.push(notification);
      ids.push(notification.id);
    }
    if (tracking !== undefined) this.#recordTracking(tracking, false);
    if (ids.length > 0) announceAppend(this);
    return ids;
  }

  /** A transaction of the caller's runs on a database: in memory there is none to join. */
  within(_tx: PrismaTransactionClient): TransactionWrites {
    throw new ConfigurationError(
      'saving inside a Prisma transaction needs the SQLite or PostgreSQL store the transaction runs on; ' +
        'this application stores events in memory (set DATABASE_URL, or give the application your Prisma adapter)',
    );
  }

  /**
   * Runs `work`, then records the options' tracking and parked events at once; see
   * {@link Recorder.transaction}. There is no SQL here: the transaction's `execute` and `query` throw.
   */
  async transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.#assertOpen();
    const committed: (() => void)[] = [];
    const result = await work(memoryTransaction(committed, this.#ledger(committed)));
    this.#assertOpen();
    const { tracking, trackingFrom } = options;
    // Checked after the work, with no suspension until everything is recorded: all or nothing.
    if (tracking !== undefined) this.#checkTracking(tracking, trackingFrom);
    if (tracking !== undefined) this.#recordTracking(tracking, trackingFrom !== undefined);
    for (const p of options.park ?? []) this.#parked.set(parkedKey(p.projection, p.notificationId), copyParked(p));
    for (const k of options.unpark ?? []) this.#parked.delete(parkedKey(k.projection, k.notificationId));
    for (const fn of committed) fn();
    return result;
  }

  /** Woken by this recorder's appends: nothing else can write to it. */
  async logSignal(): Promise<LogSignal> {
    this.#assertOpen();
    return inProcessSignal(this);
  }

  /** The parked events; see {@link Recorder.parkedEvents}. */
  async parkedEvents(projection?: string): Promise<ParkedEvent[]> {
    this.#assertOpen();
    return [...this.#parked.values()]
      .filter((p) => projection === undefined || p.projection === projection)
      .sort((a, b) =>
        a.projection !== b.projection
          ? a.projection < b.projection
            ? -1
            : 1
          : Number(a.notificationId - b.notificationId),
      )
      .map(copyParked);
  }

  /** Refuses a position that does not move forward, or (with `from`) that does not continue from `from`. */
  #checkTracking(tracking: Tracking, from: bigint | undefined): void {
    const last = this.#tracking.get(trackingKey(tracking.application, tracking.upstream))?.max ?? 0n;
    if (tracking.notificationId <= last) throw trackingRefusal(tracking, last);
    if (from !== undefined && from !== last) throw trackingRefusal(tracking, last, from);
  }

  /** Records the position; `replace` keeps only it (a projection's single tracking row). */
  #recordTracking(tracking: Tracking, replace: boolean): void {
    const key = trackingKey(tracking.application, tracking.upstream);
    let log = this.#tracking.get(key);
    if (log === undefined) this.#tracking.set(key, (log = { ids: new Set(), max: 0n }));
    if (replace) log.ids.clear();
    log.ids.add(tracking.notificationId);
    if (tracking.notificationId > log.max) log.max = tracking.notificationId;
  }

  /** A stream's events; see {@link Recorder.readStream}. */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    const stream = this.#streams.get(streamId);
    if (stream === undefined) return [];
    const { after, upTo, descending = false, limit } = options;
    // The stream is sorted by version: loading after a snapshot reads only the tail.
    const events = stream.events;
    const selected: Notification[] = [];
    for (let i = after === undefined ? 0 : firstVersionAfter(events, after); i < events.length; i++) {
      if (upTo !== undefined && events[i]!.version > upTo) break;
      selected.push(events[i]!);
    }
    if (descending) selected.reverse();
    const limited = limit === undefined ? selected : selected.slice(0, Math.max(0, limit));
    return limited.map(copyRecord);
  }

  /** The log in global order; see {@link Recorder.readNotifications}. */
  async readNotifications(options: ReadNotificationsOptions): Promise<Notification[]> {
    this.#assertOpen();
    const { start, limit, stop, topics } = options;
    const wanted = topics !== undefined && topics.length > 0 ? new Set(topics) : undefined;
    const result: Notification[] = [];
    // The log is sorted by id: binary-search the first id >= start.
    for (let i = firstIndexAtOrAfter(this.#log, start); i < this.#log.length; i++) {
      if (result.length >= limit) break;
      const n = this.#log[i]!;
      if (stop !== undefined && n.id > stop) break;
      if (wanted !== undefined && !wanted.has(n.topic)) continue;
      result.push({ ...copyRecord(n), id: n.id });
    }
    return result;
  }

  /** A page with how far it is complete; see {@link Recorder.readLog}. */
  async readLog(options: ReadNotificationsOptions): Promise<LogPage> {
    // Appends are atomic here: every id up to the last one given is in the log.
    const head = this.#lastId;
    const notifications = await this.readNotifications(options);
    return { notifications, upTo: completeUpTo(options, notifications, head) };
  }

  /** The highest notification id, 0n when the log is empty. */
  async maxNotificationId(): Promise<bigint> {
    this.#assertOpen();
    return this.#lastId;
  }

  /** The highest upstream notification id the application has processed; see {@link Recorder.maxTrackingId}. */
  async maxTrackingId(application: string, upstream: string): Promise<bigint> {
    this.#assertOpen();
    return this.#tracking.get(trackingKey(application, upstream))?.max ?? 0n;
  }

  /** Whether the application has processed this upstream notification. */
  async hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean> {
    this.#assertOpen();
    return this.#tracking.get(trackingKey(application, upstream))?.ids.has(notificationId) ?? false;
  }

  /** Stores a snapshot; a second one of the same stream and version is ignored. */
  async saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    this.#assertOpen();
    let list = this.#snapshots.get(snapshot.streamId);
    if (list === undefined) this.#snapshots.set(snapshot.streamId, (list = []));
    if (list.some((s) => s.version === snapshot.version)) return;
    list.push(copyRecord(snapshot));
    list.sort((a, b) => a.version - b.version);
  }

  /** The newest snapshot of the stream at or below `upTo` (any when absent). */
  async latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    this.#assertOpen();
    const list = this.#snapshots.get(streamId);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (upTo === undefined || s.version <= upTo) return copyRecord(s);
    }
    return undefined;
  }

  async readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    this.#assertOpen();
    return [...new Set(subjects)]
      .filter((subject) => this.#dataKeys.has(subject))
      .map((subject) => dataKeyRow(subject, this.#dataKeys.get(subject)));
  }

  async forgetDataKey(subject: string): Promise<boolean> {
    this.#assertOpen();
    const had = this.#dataKeys.get(subject) !== undefined;
    // A deleted key or a new tombstone takes the next forget number; forgetting again does not.
    if (had || !this.#dataKeys.has(subject))
      this.#forgotten.push({ subject, sequence: BigInt(this.#forgotten.length + 1) });
    this.#dataKeys.set(subject, undefined);
    return had;
  }

  /** The forget ledger of a transaction: reads at once, watermark moves on commit. */
  #ledger(committed: (() => void)[]): ForgetLedger {
    const forgotten = this.#forgotten;
    const watermarks = this.#watermarks;
    return {
      positions: async (application, upstream) => ({
        head: BigInt(forgotten.length),
        watermark: watermarks.get(trackingKey(application, upstream)) ?? 0n,
      }),
      forgottenBetween: async (after, upTo, limit) =>
        forgotten
          .slice(Number(after), Number(upTo))
          .slice(0, limit)
          .map((f) => ({ ...f })),
      advance: async (application, upstream, sequence) => {
        const key = trackingKey(application, upstream);
        committed.push(() => {
          if (sequence > (watermarks.get(key) ?? 0n)) watermarks.set(key, sequence);
        });
      },
    };
  }

  async replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean> {
    this.#assertOpen();
    const stored = this.#dataKeys.get(subject);
    if (stored === undefined || !Buffer.from(stored).equals(Buffer.from(current))) return false;
    this.#dataKeys.set(subject, new Uint8Array(replacement));
    return true;
  }

  async listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]> {
    this.#assertOpen();
    return [...this.#dataKeys.keys()]
      .filter((subject) => after === undefined || subject > after)
      .sort()
      .slice(0, limit)
      .map((subject) => dataKeyRow(subject, this.#dataKeys.get(subject)));
  }

  /** Forgets nothing (the data stays readable until garbage collected) but refuses further use with `ClosedError`. */
  close(): Promise<void> {
    return this.#gate.close(async () => undefined);
  }

  #assertOpen(): void {
    this.#gate.assertOpen();
  }
}

/** The in-memory recorder, with its arguments checked like every store's. */
export class MemoryRecorder extends CheckedRecorder {
  constructor(options: MemoryRecorderOptions = {}) {
    const first = options.firstNotificationId ?? 1n;
    if (typeof first !== 'bigint' || first < 1n) {
      throw new ConfigurationError(`firstNotificationId must be a positive bigint, got ${String(first)}`);
    }
    super(new MemoryStore(first));
  }
}

/**
 * Creates an empty in-memory recorder.
 * @example const recorder = createMemoryRecorder();
 */
export function createMemoryRecorder(options: MemoryRecorderOptions = {}): MemoryRecorder {
  return new MemoryRecorder(options);
}

/** The stream's highest version counting the events already in this batch (what a writer would see). */
function currentVersion(stream: Stream | undefined, batch: Set<number>): number {
  let max = stream?.events.at(-1)?.version ?? 0;
  for (const v of batch) if (v > max) max = v;
  return max;
}

function insertSorted(events: Notification[], event: Notification): void {
  let i = events.length;
  while (i > 0 && events[i - 1]!.version > event.version) i--;
  events.splice(i, 0, event);
}

function firstVersionAfter(events: readonly Notification[], after: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.version <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstIndexAtOrAfter(log: readonly Notification[], start: bigint): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.id < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A transaction without SQL: what the in-memory store hands `transaction`'s work. */
function memoryTransaction(committed: (() => void)[], forgets: ForgetLedger): RecorderTransaction {
  const noSql = (): never => {
    throw new EventforgeError(
      "the in-memory recorder runs no SQL: keep a memory projection's view in the projection and change it " +
        'in tx.onCommit, or check tx.provider before writing SQL',
    );
  };
  return {
    provider: 'memory',
    execute: async () => noSql(),
    query: async () => noSql(),
    onCommit: (fn) => {
      committed.push(fn);
    },
    forgets,
  };
}

function parkedKey(projection: string, notificationId: bigint): string {
  return `${projection}\u0000${notificationId}`;
}

function copyParked(p: ParkedEvent): ParkedEvent {
  return { ...p, parkedAt: new Date(p.parkedAt.getTime()) };
}

function trackingKey(application: string, upstream: string): string {
  return `${application}\u0000${upstream}`;
}

/** A copy sharing no mutable part (Date, bytes) with the original: what is stored stays as stored. */
function copyRecord(r: StoredEvent | StoredSnapshot): StoredEvent & StoredSnapshot {
  const metadata = (r as StoredEvent).metadata;
  return {
    streamId: r.streamId,
    version: r.version,
    topic: r.topic,
    schemaVersion: r.schemaVersion,
    timestamp: new Date(r.timestamp.getTime()),
    state: new Uint8Array(r.state),
    // Copied and frozen once when stored; the frozen copy is then shared by every read.
    ...(metadata === undefined
      ? {}
      : { metadata: Object.isFrozen(metadata) ? metadata : Object.freeze({ ...metadata }) }),
  };
}

function dataKeyRow(subject: string, wrapped: Uint8Array | undefined): StoredDataKey {
  return { subject, wrapped: wrapped === undefined ? undefined : new Uint8Array(wrapped) };
}
