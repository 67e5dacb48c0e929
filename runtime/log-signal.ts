/**
 * Wake-ups for readers waiting at the head of the log: a counter that goes up whenever new events
 * may have been committed. Readers note the count, read, and when they found nothing new wait
 * for the count to pass what they noted, so an append between their read and their wait is
 * never missed. Where the wake-ups come from depends on the store (docs/projections.md, "Wake-ups").
 */

/** Wakes readers of the log; made by `Recorder.logSignal`, closed by its caller. */
export interface LogSignal {
  /** Goes up on every wake-up. */
  readonly version: number;
  /** Resolves once `version` is above `seen`, or on abort, or once closed. */
  next(seen: number, abort?: AbortSignal): Promise<void>;
  /** Stops listening and releases what the signal holds (a connection, a timer). */
  close(): Promise<void>;
}

/** Options of `Recorder.logSignal`. */
export interface LogSignalOptions {
  /**
   * How often to look for commits the store cannot announce (SQLite: other processes, by its
   * change counter; PostgreSQL: a fallback beside LISTEN).
   * @default 50 on SQLite, 1000 on PostgreSQL
   */
  readonly pollIntervalMs?: number;
}

/** A {@link LogSignal} whose wake-ups come from `wake()`. */
export class WakeCounter implements LogSignal {
  #version = 0;
  #closed = false;
  readonly #waiters = new Set<() => void>();
  readonly #release: () => Promise<void>;

  constructor(release: () => Promise<void> = async () => undefined) {
    this.#release = release;
  }

  get version(): number {
    return this.#version;
  }

  get closed(): boolean {
    return this.#closed;
  }

  wake(): void {
    this.#version++;
    for (const resolve of this.#waiters) resolve();
    this.#waiters.clear();
  }

  next(seen: number, abort?: AbortSignal): Promise<void> {
    if (this.#version > seen || this.#closed || abort?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.wake();
    await this.#release();
  }
}

/** The signals of this process, by store (a memory recorder, a SQLite file's path). */
const channels = new Map<unknown, Set<WakeCounter>>();

/** A signal woken by {@link announceAppend} of the same `store` key in this process. */
export function inProcessSignal(store: unknown, release: () => Promise<void> = async () => undefined): WakeCounter {
  let listeners = channels.get(store);
  if (listeners === undefined) channels.set(store, (listeners = new Set()));
  const counter: WakeCounter = new WakeCounter(async () => {
    listeners.delete(counter);
    if (listeners.size === 0 && channels.get(store) === listeners) channels.delete(store);
    await release();
  });
  listeners.add(counter);
  return counter;
}

/** Wakes this process's readers of `store`: called after an append committed. */
export function announceAppend(store: unknown): void {
  const listeners = channels.get(store);
  if (listeners !== undefined) for (const counter of listeners) counter.wake();
}

/** Calls `tick` every `intervalMs` without keeping the process alive; returns the stopper. */
export function every(intervalMs: number, tick: () => Promise<void> | void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void Promise.resolve()
      .then(tick)
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
