/**
 * The machinery that follows a log exactly once, shared by projections and process applications:
 * reads an upstream log from the stored tracking position, commits each batch together with its
 * new position, retries, narrows a failing batch down to the event (bisection), parks it, and
 * lets callers wait for a position. What a commit writes is the target's business.
 */
import type { Application } from './application.js';
import { EventforgeError, FencedError, IntegrityError, StoppedError, TimeoutError } from './errors.js';
import { every } from './log-signal.js';
import type { LoggedEvent } from './notification-log.js';
import type { ParkedEvent, ParkedEventKey, Recorder, Tracking } from './recorder.js';
import type { Subscription } from './subscription.js';

/** What a {@link LogFollower} follows the log for. */
export interface FollowTarget {
  /** Names the follower in errors, e.g. `projection TrickCounts`. */
  readonly label: string;
  /** The tracking row's `application` and `upstream`. */
  readonly application: string;
  readonly upstream: string;
  /** The key its parked events are stored under. */
  readonly parkKey: string;
  /** Only these topics are read; all when absent or empty. */
  readonly topics?: readonly string[] | undefined;
  /** False: the log is read without payloads (the events' `data` throws). */
  readonly payloads?: boolean | undefined;
  /** After an event was parked: `stop` the runner, or `continue` past the event. */
  readonly onParked: 'stop' | 'continue';
  /**
   * Whether the tracking position is moved (one row, refused unless it stands at the runner's
   * position) rather than a row added per commit.
   */
  readonly movesTracking: boolean;
  /** Processes the events and stores the result with `tracking` in one transaction, unparking `unpark`. */
  commit(recorder: Recorder, events: readonly LoggedEvent[], commit: FollowCommit): Promise<void>;
  /** The error a parked event stops the runner with. */
  failure(event: LoggedEvent, attempts: number, cause: unknown): Error;
}

/** The position a commit records, and the parked events it processed after all. */
export interface FollowCommit {
  /** Absent when a parked event behind the position is replayed. */
  readonly tracking: Tracking | undefined;
  /** The stored position the commit continues from (for targets that move their tracking). */
  readonly from: bigint;
  readonly unpark: readonly ParkedEventKey[];
  /**
   * Which page of the log the events came from, counted from 1 per open; undefined for a parked
   * event replayed. Page p+1 is read (maybe ahead, while page p is processed) only after every
   * commit of page p-1 finished.
   */
  readonly page: number | undefined;
}

/** Options of a runner that follows a log. */
export interface FollowerOptions {
  /**
   * Most events per batch (one transaction). Catching up, batches are this large; at the head
   * each batch is what is new, often one event.
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * Attempts at an event before it is parked.
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * Wait before the first retry; doubles with each further attempt.
   * @default 100
   */
  readonly retryDelayMs?: number;
  /** Passed to the log subscription (see `SubscribeOptions.pollIntervalMs`). */
  readonly pollIntervalMs?: number;
  /**
   * The fencing token of the lease the follower runs under (workers set it): carried by every
   * commit's tracking record, which PostgreSQL refuses with `FencedError` once a newer owner
   * raised the fence (docs/systems.md#fencing). The follower then fails; it never retries it.
   */
  readonly epoch?: bigint;
}

/** Options of {@link LogFollower.wait}. */
export interface WaitOptions {
  /**
   * Fail with `TimeoutError` after this long.
   * @default 10000
   */
  readonly timeout?: number;
}

/** `idle` (never started), `running`, `stopped` (by `stop`), `failed` (see `failure`). */
export type FollowerState = 'idle' | 'running' | 'stopped' | 'failed';

interface Waiter {
  readonly id: bigint;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Follows `source`'s log for `target`, keeping tracking and parked events in `store`'s recorder.
 * `start()` follows the log on its own (a subscription); `open()` then `catchUp()` processes
 * what is there when told to (a single-threaded runner). Never both at once.
 */
export class LogFollower {
  readonly #source: Application;
  readonly #store: Application;
  readonly #target: FollowTarget;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #pollIntervalMs: number | undefined;
  readonly #epoch: bigint | undefined;
  #recorder: Recorder | undefined;
  #state: FollowerState = 'idle';
  #position = 0n;
  /** The stored tracking position: `#position` may run ahead of it past events a topic filter skipped. */
  #stored = 0n;
  #failure: Error | undefined;
  #subscription: Subscription | undefined;
  #loop: Promise<void> | undefined;
  #parked = new Set<bigint>();
  #stopRetryChecks: (() => void) | undefined;
  #waiters = new Set<Waiter>();
  #pause = new AbortController();
  /** The page of the log being applied (see `FollowCommit.page`). */
  #page = 0;

  constructor(source: Application, store: Application, target: FollowTarget, options: FollowerOptions = {}) {
    this.#source = source;
    this.#store = store;
    this.#target = target;
    this.#batchSize = positive(target.label, 'batchSize', options.batchSize ?? 1000);
    this.#maxAttempts = positive(target.label, 'maxAttempts', options.maxAttempts ?? 3);
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#epoch = options.epoch;
  }

  /** Its tracking key: the tracking rows' `application` and `upstream`. */
  get trackingKey(): { readonly application: string; readonly upstream: string } {
    return { application: this.#target.application, upstream: this.#target.upstream };
  }

  /** The upstream topics it reads; empty: all of them. */
  get topics(): readonly string[] {
    return this.#target.topics ?? [];
  }

  get state(): FollowerState {
    return this.#state;
  }

  /** The id up to which the log has been processed (the stored position, or past it at the head). */
  get position(): bigint {
    return this.#position;
  }

  /** Why the runner failed (`state` is `failed`). */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** How many notifications the follower is behind the head of the log. */
  async lag(): Promise<bigint> {
    const head = await this.#source.log.maxId();
    return head > this.#position ? head - this.#position : 0n;
  }

  /** Reads the stored position and parked events; the follower is then `running` but reads only in `catchUp`. */
  async open(): Promise<void> {
    if (this.#state === 'running') return;
    const recorder = await this.#store.recorder();
    this.#recorder = recorder;
    this.#position = await recorder.maxTrackingId(this.#target.application, this.#target.upstream);
    this.#stored = this.#position;
    this.#parked = new Set((await recorder.parkedEvents(this.#target.parkKey)).map((p) => p.notificationId));
    this.#failure = undefined;
    this.#pause = new AbortController();
    this.#page = 0;
    this.#state = 'running';
  }

  /** Reads the stored position and starts following the log; resolves once running. */
  async start(): Promise<void> {
    if (this.#state === 'running') return;
    await this.open();
    const topics = this.#target.topics;
    this.#subscription = this.#source.log.subscribe({
      after: this.#position,
      ...(topics === undefined ? {} : { topics }),
      ...(this.#target.payloads === false ? { payloads: false } : {}),
      batchSize: this.#batchSize,
      ...(this.#pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#pollIntervalMs }),
    });
    this.#loop = this.#follow(this.#subscription);
    this.#stopRetryChecks = every(1000, () => this.#retryRequested());
    await this.#retryRequested();
  }

  /**
   * Processes the log up to its head (after `open()`), in batches, until a page is not full;
   * returns how many events were processed. Throws (and fails the runner) as following would. On
   * PostgreSQL it stops short of events an earlier writer still in flight may precede; that
   * writer's save (through the runner's next `catchUp`) or the next call takes them.
   */
  async catchUp(): Promise<number> {
    if (this.#state !== 'running') {
      throw this.#failure ?? new StoppedError(`${this.#target.label} is not running (${this.#state})`);
    }
    const topics = this.#target.topics;
    let processed = 0;
    try {
      // No read of the head first: a page says how far it is complete, and a short page ends it.
      for (;;) {
        const from = this.#position;
        const page = await this.#source.log.page(from + 1n, this.#batchSize, {
          ...(this.#target.payloads === false ? { payloads: false } : {}),
          ...(topics === undefined || topics.length === 0 ? {} : { topics }),
        });
        this.#page++;
        if (page.events.length > 0) await this.#apply(page.events);
        processed += page.events.length;
        if (page.upTo > this.#position) this.#advance(page.upTo);
        if (page.events.length < this.#batchSize || page.upTo <= from) break;
      }
    } catch (error) {
      this.#fail(error as Error);
      throw error;
    }
    return processed;
  }

  /** Stops after the batch in progress (which commits or rolls back whole); waiters fail with `StoppedError`. */
  async stop(): Promise<void> {
    const subscription = this.#subscription;
    this.#subscription = undefined;
    if (this.#state === 'running') this.#state = 'stopped';
    this.#pause.abort();
    this.#stopRetryChecks?.();
    await subscription?.return();
    await this.#loop;
    this.#rejectWaiters(new StoppedError(`${this.#target.label} was stopped`));
  }

  /**
   * Resolves once the follower has processed notification `id` of the log it follows. Fails with
   * `TimeoutError`, `StoppedError`, or the runner's failure.
   */
  wait(id: bigint, options: WaitOptions = {}): Promise<void> {
    if (this.#position >= id) return Promise.resolve();
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    if (this.#state !== 'running') {
      return Promise.reject(new StoppedError(`${this.#target.label} is not running (${this.#state})`));
    }
    const timeout = options.timeout ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new TimeoutError(
            `${this.#target.label} did not reach notification ${id} within ${timeout} ms (it is at ${this.#position})`,
          ),
        );
      }, timeout);
      const waiter: Waiter = {
        id,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Replays parked events (all, or one) through the target, each in its own commit that also
   * unparks it; one that fails again stays parked with its attempts counted. Returns the ids
   * that went through.
   */
  async retryParked(notificationId?: bigint): Promise<bigint[]> {
    const recorder = this.#recorder ?? (await this.#store.recorder());
    // Parked events past the position are still ahead of the runner, which processes them in order.
    const parked = (await recorder.parkedEvents(this.#target.parkKey)).filter(
      (p) =>
        (notificationId === undefined || p.notificationId === notificationId) && p.notificationId <= this.#position,
    );
    const done: bigint[] = [];
    for (const p of parked) {
      const [event] = await this.#source.log.select(p.notificationId, 1, { stop: p.notificationId });
      const key = { projection: this.#target.parkKey, notificationId: p.notificationId };
      try {
        if (event === undefined) await recorder.transaction(async () => undefined, { unpark: [key] });
        else
          await this.#target.commit(recorder, [event], {
            tracking: undefined,
            from: this.#stored,
            unpark: [key],
            page: undefined,
          });
        this.#parked.delete(p.notificationId);
        done.push(p.notificationId);
      } catch (error) {
        await recorder.transaction(async () => undefined, {
          park: [{ ...p, attempts: p.attempts + 1, error: message(error), parkedAt: new Date() }],
        });
      }
    }
    return done;
  }

  /** Replays the parked events `eventforge projections retry` marked (attempts 0). */
  async #retryRequested(): Promise<void> {
    if (this.#state !== 'running' || this.#recorder === undefined) return;
    const marked = (await this.#recorder.parkedEvents(this.#target.parkKey)).filter((p) => p.attempts === 0);
    for (const p of marked) await this.retryParked(p.notificationId);
  }

  async #follow(subscription: Subscription): Promise<void> {
    try {
      for (;;) {
        const batch = await this.#withRetries(() => subscription.nextBatch());
        if (batch === undefined) return;
        this.#page++;
        if (batch.events.length > 0) await this.#apply(batch.events);
        // Past the last event when a topic filter left nothing more up to the head.
        if (batch.upTo > this.#position) this.#advance(batch.upTo);
      }
    } catch (error) {
      // A fenced commit is told even after a stop: its worker stopped it for the lease it lost.
      if (this.#state !== 'running' && !(error instanceof FencedError)) return;
      this.#fail(error as Error);
      this.#subscription = undefined;
      await subscription.return();
    }
  }

  #fail(error: Error): void {
    this.#state = 'failed';
    this.#failure = error;
    this.#stopRetryChecks?.();
    this.#rejectWaiters(error);
  }

  /** Commits the events in one transaction; on failure, halves the batch until the failing event is alone. */
  async #apply(events: readonly LoggedEvent[]): Promise<void> {
    if (events.length === 1) return this.#applyOne(events[0]!);
    try {
      await this.#commit(events);
    } catch (error) {
      if (error instanceof IntegrityError || this.#state !== 'running') throw error;
      const half = Math.ceil(events.length / 2);
      await this.#apply(events.slice(0, half));
      await this.#apply(events.slice(half));
    }
  }

  async #applyOne(event: LoggedEvent): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        return await this.#commit([event]);
      } catch (error) {
        if (error instanceof IntegrityError) throw error;
        if (attempt < this.#maxAttempts) {
          await delay(this.#retryDelayMs * 2 ** (attempt - 1), this.#pause.signal);
          if (this.#state !== 'running') throw new StoppedError(`${this.#target.label} was stopped`);
          continue;
        }
        return this.#park(event, attempt, error);
      }
    }
  }

  /** Parks the event; with `continue` the position moves past it, with `stop` the runner fails. */
  async #park(event: LoggedEvent, attempts: number, cause: unknown): Promise<void> {
    const target = this.#target;
    const parked: ParkedEvent = {
      projection: target.parkKey,
      notificationId: event.id,
      topic: event.topic,
      error: message(cause),
      attempts,
      parkedAt: new Date(),
    };
    if (target.onParked === 'stop') {
      await this.#opened().transaction(async () => undefined, { park: [parked] });
      this.#parked.add(event.id);
      throw target.failure(event, attempts, cause);
    }
    await this.#opened().transaction(async () => undefined, {
      park: [parked],
      tracking: this.#tracking(event.id),
      ...(target.movesTracking ? { trackingFrom: this.#stored } : {}),
    });
    this.#stored = event.id;
    this.#parked.add(event.id);
    this.#advance(event.id);
  }

  /** One commit: the target's writes, the moved position, and unparking what succeeded now. */
  async #commit(events: readonly LoggedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.id;
    const unpark =
      this.#parked.size === 0
        ? []
        : events
            .filter((e) => this.#parked.has(e.id))
            .map((e) => ({ projection: this.#target.parkKey, notificationId: e.id }));
    await this.#target.commit(this.#opened(), events, {
      tracking: this.#tracking(last),
      from: this.#stored,
      unpark,
      page: this.#page,
    });
    this.#stored = last;
    for (const key of unpark) this.#parked.delete(key.notificationId);
    this.#advance(last);
  }

  #tracking(notificationId: bigint): Tracking {
    const { application, upstream } = this.#target;
    return this.#epoch === undefined
      ? { application, upstream, notificationId }
      : { application, upstream, notificationId, epoch: this.#epoch };
  }

  /** Retries reading the log (a lost connection) with backoff; fails after `maxAttempts`. */
  async #withRetries<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (attempt >= this.#maxAttempts || this.#state !== 'running') throw error;
        await delay(this.#retryDelayMs * 2 ** (attempt - 1), this.#pause.signal);
      }
    }
  }

  #advance(position: bigint): void {
    this.#position = position;
    for (const waiter of this.#waiters) {
      if (waiter.id <= position) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  #rejectWaiters(error: Error): void {
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }

  #opened(): Recorder {
    if (this.#recorder === undefined) throw new EventforgeError('unreachable: the runner was not started');
    return this.#recorder;
  }
}

function positive(label: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new EventforgeError(`${label}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
