/**
 * Projections: read models kept up to date from the application's log, exactly once. A runner
 * reads the log from the projection's tracking position and applies each batch of events and the
 * batch's new position in ONE transaction of the store (`Recorder.transaction`), so a crash at
 * any point resumes with nothing lost and nothing applied twice (docs/projections.md).
 */
import type { Application } from './application.js';
import { EventforgeError, IntegrityError, ProjectionError, StoppedError, TimeoutError } from './errors.js';
import type { LoggedEvent } from './notification-log.js';
import type { ParkedEvent, Recorder, RecorderTransaction } from './recorder.js';
import { every } from './log-signal.js';
import type { Subscription } from './subscription.js';

/** The `upstream` of a projection's tracking row: the application's own log. */
export const PROJECTION_UPSTREAM = 'eventforge.log';

/** A read model fed by the log. `process` writes through `tx`, inside the runner's transaction. */
export interface Projection {
  /** Unique per store: the tracking row and parked events are kept under it. */
  readonly name: string;
  /** Only these topics reach `process`; all when absent or empty. */
  readonly topics?: readonly string[];
  /**
   * Applies a batch of events (oldest first) through `tx`. Throwing rolls the batch back; the
   * runner retries and narrows it down to the failing event (see `onParked`).
   */
  process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void>;
  /**
   * What the runner does once an event failed `maxAttempts` times and was parked: `stop` (the
   * position stays before it; the runner fails with `ProjectionError`) or `continue` past it.
   * @default 'stop'
   */
  readonly onParked?: 'stop' | 'continue';
  /**
   * Empties the read model, for a rebuild from the start of the log (`ProjectionRunner.rebuild`).
   * A projection without it cannot be rebuilt.
   */
  reset?(tx: RecorderTransaction): Promise<void>;
  /**
   * Scrubs what the read model holds of a forgotten subject (`app.forget`): run by `forget`
   * in a transaction of the store once the subject's data key is deleted (docs/personal-data.md).
   */
  forget?(subject: string, tx: RecorderTransaction): Promise<void>;
}

/** Options of {@link ProjectionRunner}. */
export interface ProjectionRunnerOptions {
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
}

/** Options of {@link ProjectionRunner.wait}. */
export interface WaitOptions {
  /**
   * Fail with `TimeoutError` after this long.
   * @default 10000
   */
  readonly timeout?: number;
}

/** `idle` (never started), `running`, `stopped` (by `stop`), `failed` (see `failure`). */
export type ProjectionState = 'idle' | 'running' | 'stopped' | 'failed';

interface Waiter {
  readonly id: bigint;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs one projection: `start()` resumes from its stored position and follows the log until
 * `stop()`. Run one runner per projection and store; a second one is refused its first batch
 * (`IntegrityError`) and fails rather than apply anything twice.
 * @example
 * const runner = new ProjectionRunner(app, new TrickCounts());
 * await runner.start();
 * const [id] = await app.save(dog);
 * await runner.wait(id!); // the view now reflects the save
 */
export class ProjectionRunner {
  readonly projection: Projection;
  readonly #app: Application;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #pollIntervalMs: number | undefined;
  #recorder: Recorder | undefined;
  #state: ProjectionState = 'idle';
  #position = 0n;
  /**
   * The position as stored in the tracking table. Behind `#position` when a topic filter let the
   * runner pass events it does not consume: those moves are not written, so the next commit
   * moves the stored row from here.
   */
  #stored = 0n;
  #failure: Error | undefined;
  #subscription: Subscription | undefined;
  #loop: Promise<void> | undefined;
  #parked = new Set<bigint>();
  #stopRetryChecks: (() => void) | undefined;
  #waiters = new Set<Waiter>();
  #pause = new AbortController();

  constructor(app: Application, projection: Projection, options: ProjectionRunnerOptions = {}) {
    if (typeof projection?.process !== 'function' || typeof projection.name !== 'string' || projection.name === '') {
      throw new EventforgeError('a projection needs a non-empty name and a process(events, tx) method');
    }
    this.#app = app;
    this.projection = projection;
    this.#batchSize = positive('batchSize', options.batchSize ?? 1000);
    this.#maxAttempts = positive('maxAttempts', options.maxAttempts ?? 3);
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs;
    const forget = projection.forget?.bind(projection);
    if (forget !== undefined)
      app.onForgetting(async (subject, recorder) => recorder.transaction((tx) => forget(subject, tx)));
  }

  get state(): ProjectionState {
    return this.#state;
  }

  /** The id up to which the projection has processed the log (its stored position, or past it at the head). */
  get position(): bigint {
    return this.#position;
  }

  /** Why the runner failed (`state` is `failed`): usually a `ProjectionError`. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** How many notifications the projection is behind the head of the log. */
  async lag(): Promise<bigint> {
    const head = await this.#app.log.maxId();
    return head > this.#position ? head - this.#position : 0n;
  }

  /** Reads the stored position and starts following the log; resolves once running. */
  async start(): Promise<void> {
    if (this.#state === 'running') return;
    const recorder = await this.#app.recorder();
    this.#recorder = recorder;
    this.#position = await recorder.maxTrackingId(this.projection.name, PROJECTION_UPSTREAM);
    this.#stored = this.#position;
    this.#parked = new Set((await recorder.parkedEvents(this.projection.name)).map((p) => p.notificationId));
    this.#failure = undefined;
    this.#pause = new AbortController();
    this.#state = 'running';
    this.#subscription = this.#app.log.subscribe({
      after: this.#position,
      ...(this.projection.topics === undefined ? {} : { topics: this.projection.topics }),
      batchSize: this.#batchSize,
      ...(this.#pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#pollIntervalMs }),
    });
    this.#loop = this.#follow(this.#subscription);
    this.#stopRetryChecks = every(1000, () => this.#retryRequested());
    await this.#retryRequested();
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
    this.#rejectWaiters(new StoppedError(`projection ${this.projection.name} was stopped`));
  }

  /**
   * Resolves once the projection has processed notification `id` (e.g. one `app.save`
   * returned): read your own writes. Fails with `TimeoutError`, `StoppedError`, or the runner's
   * failure.
   */
  wait(id: bigint, options: WaitOptions = {}): Promise<void> {
    if (this.#position >= id) return Promise.resolve();
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    if (this.#state !== 'running') {
      return Promise.reject(new StoppedError(`projection ${this.projection.name} is not running (${this.#state})`));
    }
    const timeout = options.timeout ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new TimeoutError(
            `projection ${this.projection.name} did not reach notification ${id} within ${timeout} ms ` +
              `(it is at ${this.#position})`,
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
   * Replays parked events (all of this projection's, or one) through `process`, each in its own
   * transaction that also unparks it; one that fails again stays parked with its attempts counted.
   * Returns the ids that went through.
   */
  async retryParked(notificationId?: bigint): Promise<bigint[]> {
    const recorder = this.#recorder ?? (await this.#app.recorder());
    // Parked events past the position are still ahead of the runner, which processes them in order.
    const parked = (await recorder.parkedEvents(this.projection.name)).filter(
      (p) =>
        (notificationId === undefined || p.notificationId === notificationId) && p.notificationId <= this.#position,
    );
    const done: bigint[] = [];
    for (const p of parked) {
      const [event] = await this.#app.log.select(p.notificationId, 1, { stop: p.notificationId });
      const key = { projection: this.projection.name, notificationId: p.notificationId };
      try {
        await recorder.transaction(
          async (tx) => {
            if (event !== undefined) await this.projection.process([event], tx);
          },
          { unpark: [key] },
        );
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

  /**
   * Empties the read model (`projection.reset`) and resets the position to the start of the log
   * in one transaction; a running runner is stopped first and restarted after. Readers see the
   * view empty and then fill up: a rebuild into a fresh table swapped in when caught up is the
   * views' (generated projections') job.
   */
  async rebuild(): Promise<void> {
    const reset = this.projection.reset;
    if (reset === undefined) {
      throw new EventforgeError(`projection ${this.projection.name} has no reset(tx) method, so it cannot be rebuilt`);
    }
    const wasRunning = this.#state === 'running';
    await this.stop();
    const recorder = this.#recorder ?? (await this.#app.recorder());
    const name = this.projection.name;
    await recorder.transaction(async (tx) => {
      if (tx.provider === 'memory') {
        throw new EventforgeError(
          `projection ${name} cannot be rebuilt on the in-memory store (its tracking cannot be reset); ` +
            'start a new application instead: memory starts empty',
        );
      }
      await reset.call(this.projection, tx);
      {
        await tx.execute(
          tx.provider === 'sqlite'
            ? 'DELETE FROM tracking WHERE application = ? AND upstream = ?'
            : 'DELETE FROM tracking WHERE application = $1 AND upstream = $2',
          [name, PROJECTION_UPSTREAM],
        );
      }
    });
    if (wasRunning) await this.start();
  }

  /** Replays the parked events `eventforge projections retry` marked (attempts 0). */
  async #retryRequested(): Promise<void> {
    if (this.#state !== 'running' || this.#recorder === undefined) return;
    const marked = (await this.#recorder.parkedEvents(this.projection.name)).filter((p) => p.attempts === 0);
    for (const p of marked) await this.retryParked(p.notificationId);
  }

  async #follow(subscription: Subscription): Promise<void> {
    try {
      for (;;) {
        const batch = await this.#withRetries(() => subscription.nextBatch());
        if (batch === undefined) return;
        if (batch.events.length > 0) await this.#apply(batch.events);
        // Past the last event when a topic filter left nothing more up to the head.
        if (batch.upTo > this.#position) this.#advance(batch.upTo);
      }
    } catch (error) {
      if (this.#state !== 'running') return;
      this.#state = 'failed';
      this.#failure = error as Error;
      this.#stopRetryChecks?.();
      this.#subscription = undefined;
      await subscription.return();
      this.#rejectWaiters(error as Error);
    }
  }

  /** Applies the events in one transaction; on failure, halves the batch until the failing event is alone. */
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
          if (this.#state !== 'running') throw new StoppedError(`projection ${this.projection.name} was stopped`);
          continue;
        }
        return this.#park(event, attempt, error);
      }
    }
  }

  /** Parks the event; with `continue` the position moves past it, with `stop` the runner fails. */
  async #park(event: LoggedEvent, attempts: number, cause: unknown): Promise<void> {
    const name = this.projection.name;
    const parked: ParkedEvent = {
      projection: name,
      notificationId: event.id,
      topic: event.topic,
      error: message(cause),
      attempts,
      parkedAt: new Date(),
    };
    const error = new ProjectionError(name, event.id, event.topic, attempts, { cause });
    if ((this.projection.onParked ?? 'stop') === 'stop') {
      await this.#store().transaction(async () => undefined, { park: [parked] });
      this.#parked.add(event.id);
      throw error;
    }
    await this.#store().transaction(async () => undefined, {
      park: [parked],
      tracking: { application: name, upstream: PROJECTION_UPSTREAM, notificationId: event.id },
      trackingFrom: this.#stored,
    });
    this.#stored = event.id;
    this.#parked.add(event.id);
    this.#advance(event.id);
  }

  /** One transaction: the projection's writes, the moved position, and unparking what succeeded now. */
  async #commit(events: readonly LoggedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.id;
    const unpark =
      this.#parked.size === 0
        ? undefined
        : events
            .filter((e) => this.#parked.has(e.id))
            .map((e) => ({ projection: this.projection.name, notificationId: e.id }));
    await this.#store().transaction((tx) => this.projection.process(events, tx), {
      tracking: { application: this.projection.name, upstream: PROJECTION_UPSTREAM, notificationId: last },
      trackingFrom: this.#stored,
      ...(unpark === undefined || unpark.length === 0 ? {} : { unpark }),
    });
    this.#stored = last;
    for (const key of unpark ?? []) this.#parked.delete(key.notificationId);
    this.#advance(last);
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

  #store(): Recorder {
    if (this.#recorder === undefined) throw new EventforgeError('unreachable: the runner was not started');
    return this.#recorder;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new EventforgeError(`ProjectionRunner: ${name} must be a positive integer, got ${String(value)}`);
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
