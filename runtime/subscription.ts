/**
 * A subscription to the application's log: an async iterator of decoded events that, at the head
 * of the log, waits for new ones (woken by the store's log signal) instead of ending.
 */
import type { LogSignal } from './log-signal.js';
import type { LoggedEvent } from './notification-log.js';

/** Options of `app.log.subscribe`. */
export interface SubscribeOptions {
  /** Start after this notification id; 0n (the default) reads the log from its beginning. */
  readonly after?: bigint;
  /** Only these topics; all when absent or empty. */
  readonly topics?: readonly string[];
  /** Ends the subscription when aborted (the iterator then reports done). */
  readonly signal?: AbortSignal;
  /**
   * Events read per query: large pages for catching up; at the head each read returns what is new.
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * False: the payloads are not read, and each event's `event.data` throws; for readers of the
   * envelope alone (type, stream, version, timestamp), whose catch-up then reads less.
   * @default true
   */
  readonly payloads?: boolean;
  /**
   * How often the store looks for commits it is not told about (see `Recorder.logSignal`).
   * @default 50 on SQLite, 1000 on PostgreSQL
   */
  readonly pollIntervalMs?: number;
}

/** One read of the log: its events, and the position every matching event up to has been read. */
export interface LogBatch {
  readonly events: readonly LoggedEvent[];
  /**
   * Every event up to this id that matches the subscription has been delivered (with a topic
   * filter it can be past the last event: as far as the read found the log complete).
   */
  readonly upTo: bigint;
}

/** Where a subscription reads from: the application's log. */
export interface LogSource {
  /** A page and how far it is complete, from one read (`Recorder.readLog`). */
  read(start: bigint, limit: number, topics: readonly string[] | undefined, payloads: boolean): Promise<LogBatch>;
  signal(pollIntervalMs: number | undefined): Promise<LogSignal>;
}

/** The log from a position on, in batches or one event at a time; see {@link SubscribeOptions}. */
export class Subscription implements AsyncIterableIterator<LoggedEvent> {
  readonly #source: LogSource;
  readonly #topics: readonly string[] | undefined;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number | undefined;
  readonly #payloads: boolean;
  readonly #stop = new AbortController();
  #signal: Promise<LogSignal> | undefined;
  #next: bigint;
  #position: bigint;
  #buffer: readonly LoggedEvent[] = [];
  #index = 0;
  #prefetch: Promise<LogBatch> | undefined;

  constructor(source: LogSource, options: SubscribeOptions = {}) {
    const after = options.after ?? 0n;
    if (typeof after !== 'bigint' || after < 0n) {
      throw new TypeError(`subscribe: after must be a bigint of at least 0n, got ${String(after)}`);
    }
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new TypeError(`subscribe: batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    this.#source = source;
    this.#topics = options.topics !== undefined && options.topics.length > 0 ? options.topics : undefined;
    this.#batchSize = batchSize;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#payloads = options.payloads !== false;
    this.#next = after + 1n;
    this.#position = after;
    if (options.signal?.aborted === true) this.#stop.abort();
    options.signal?.addEventListener('abort', () => void this.return(), { once: true });
  }

  /** The id of the last event delivered (or `after` before the first). */
  get position(): bigint {
    return this.#position;
  }

  /** Whether `return()` was called or the signal aborted. */
  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  /** The next event; a failed read ends the subscription (releasing its signal) and throws. */
  async next(): Promise<IteratorResult<LoggedEvent>> {
    while (this.#index >= this.#buffer.length) {
      const batch = await this.nextBatch().catch(async (error: unknown) => {
        // `for await` does not call return() when next() throws.
        await this.return();
        throw error;
      });
      if (batch === undefined) return { value: undefined, done: true };
      this.#buffer = batch.events;
      this.#index = 0;
    }
    const event = this.#buffer[this.#index++]!;
    this.#position = event.id;
    return { value: event, done: false };
  }

  /**
   * The next events (never an empty batch unless a topic filter skipped to the head), waiting at
   * the head until there are some; undefined once stopped. A failed read throws and may be
   * retried: the subscription stays where it was. Do not mix with `next()`.
   */
  async nextBatch(): Promise<LogBatch | undefined> {
    // Once stopped, no new signal: `return()` has closed the one there was.
    if (this.stopped) return undefined;
    const signal = await (this.#signal ??= this.#source.signal(this.#pollIntervalMs));
    for (;;) {
      if (this.stopped) return undefined;
      const seen = signal.version;
      const covered = this.#next - 1n;
      const prefetched = this.#prefetch;
      this.#prefetch = undefined;
      // The page says how far it is complete, from the same read: never past an event a later read returns.
      const page = await (prefetched ?? this.#read(this.#next));
      if (this.stopped) return undefined;
      if (page.upTo > covered) {
        this.#next = page.upTo + 1n;
        // A full page: more is likely waiting, so the next read starts while this batch is processed.
        if (page.events.length === this.#batchSize) this.#prefetch = this.#read(this.#next);
        return page;
      }
      await signal.next(seen, this.#stop.signal);
    }
  }

  /** Ends the subscription: a waiting read returns done; releases the store's signal. */
  async return(): Promise<IteratorResult<LoggedEvent>> {
    this.#stop.abort();
    const signal = this.#signal;
    this.#signal = undefined;
    this.#prefetch?.catch(() => undefined);
    if (signal !== undefined) await (await signal.catch(() => undefined))?.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #read(start: bigint): Promise<LogBatch> {
    const page = this.#source.read(start, this.#batchSize, this.#topics, this.#payloads);
    page.catch(() => undefined);
    return page;
  }
}
