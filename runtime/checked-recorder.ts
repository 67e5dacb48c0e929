/**
 * Puts the argument checks of recorder-arguments.ts in front of a recorder, so that every store
 * answers bad arguments alike: with `RecorderArgumentError`, before it reads or writes anything.
 * The recorder factories return their recorders wrapped; a recorder of your own should be too.
 */
import {
  checkAppend,
  checkLatestSnapshot,
  checkLogSignal,
  checkParkedEvents,
  checkReadNotifications,
  checkReadStream,
  checkSnapshot,
  checkSubjects,
  checkTrackingQuery,
  checkTransaction,
} from './recorder-arguments.js';
import type { LogSignal, LogSignalOptions } from './log-signal.js';
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
} from './recorder.js';

/**
 * The recorder with every argument checked first (idempotent: a checked recorder comes back as is).
 * @example const recorder = withArgumentChecks(new MyRecorder());
 */
export function withArgumentChecks(recorder: Recorder): Recorder {
  return recorder instanceof CheckedRecorder ? recorder : new CheckedRecorder(recorder);
}

/** A recorder whose arguments are checked before `inner` sees them. */
export class CheckedRecorder implements Recorder {
  readonly #inner: Recorder;
  constructor(inner: Recorder) {
    this.#inner = inner;
  }

  async append(events: readonly StoredEvent[], options?: AppendOptions): Promise<bigint[]> {
    checkAppend(events, options);
    return this.#inner.append(events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.#inner.readStream(streamId, checkReadStream(streamId, options));
  }

  async readNotifications(options: ReadNotificationsOptions): Promise<Notification[]> {
    checkReadNotifications(options);
    return this.#inner.readNotifications(options);
  }

  async readLog(options: ReadNotificationsOptions): Promise<LogPage> {
    checkReadNotifications(options, 'readLog');
    return this.#inner.readLog(options);
  }

  maxNotificationId(): Promise<bigint> {
    return this.#inner.maxNotificationId();
  }

  async maxTrackingId(application: string, upstream: string): Promise<bigint> {
    checkTrackingQuery('maxTrackingId', application, upstream);
    return this.#inner.maxTrackingId(application, upstream);
  }

  async hasTracking(application: string, upstream: string, notificationId: bigint): Promise<boolean> {
    checkTrackingQuery('hasTracking', application, upstream, notificationId);
    return this.#inner.hasTracking(application, upstream, notificationId);
  }

  async transaction<T>(work: (tx: RecorderTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    checkTransaction(work, options);
    return this.#inner.transaction(work, options);
  }

  async logSignal(options?: LogSignalOptions): Promise<LogSignal> {
    checkLogSignal(options);
    return this.#inner.logSignal(options);
  }

  async parkedEvents(projection?: string): Promise<ParkedEvent[]> {
    checkParkedEvents(projection);
    return this.#inner.parkedEvents(projection);
  }

  async saveSnapshot(snapshot: StoredSnapshot): Promise<void> {
    checkSnapshot(snapshot);
    return this.#inner.saveSnapshot(snapshot);
  }

  async latestSnapshot(streamId: string, upTo?: number): Promise<StoredSnapshot | undefined> {
    return this.#inner.latestSnapshot(streamId, checkLatestSnapshot(streamId, upTo));
  }

  async readDataKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    checkSubjects('readDataKeys', subjects);
    return this.#inner.readDataKeys(subjects);
  }

  async forgetDataKey(subject: string): Promise<boolean> {
    checkSubjects('forgetDataKey', [subject]);
    return this.#inner.forgetDataKey(subject);
  }

  async eraseFreed(): Promise<void> {
    await this.#inner.eraseFreed?.();
  }

  async replaceDataKey(subject: string, current: Uint8Array, replacement: Uint8Array): Promise<boolean> {
    checkSubjects('replaceDataKey', [subject]);
    return this.#inner.replaceDataKey(subject, current, replacement);
  }

  async listDataKeys(after: string | undefined, limit: number): Promise<StoredDataKey[]> {
    if (after !== undefined) checkSubjects('listDataKeys', [after]);
    return this.#inner.listDataKeys(after, limit);
  }

  within(tx: PrismaTransactionClient): TransactionWrites {
    const inner = this.#inner.within(tx);
    return {
      append: async (events, options) => {
        checkAppend(events, options);
        return inner.append(events, options);
      },
      saveSnapshot: async (snapshot) => {
        checkSnapshot(snapshot);
        return inner.saveSnapshot(snapshot);
      },
      readDataKeys: async (subjects) => {
        checkSubjects('readDataKeys', subjects);
        return inner.readDataKeys(subjects);
      },
    };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
