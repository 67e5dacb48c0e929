import { ClosedError } from './errors.js';

/**
 * Counts the operations in flight on a store so that closing it waits for them: once `close` is
 * called, new work is refused with `ClosedError`, the running work settles (finishes or fails on
 * its own), and only then is the resource released, once, however often `close` is called.
 */
export class ClosingGate {
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(
    /** What `ClosedError` names, e.g. `the SQLite recorder data/app.db`. */
    private readonly label: string,
  ) {}

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Throws `ClosedError` once `close` was called. */
  assertOpen(): void {
    if (this.#closing !== undefined) throw new ClosedError(this.label);
  }

  /** Runs `work` as an in-flight operation; refused with `ClosedError` once closing began. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new ClosedError(this.label));
    let running: Promise<T>;
    try {
      running = work();
    } catch (error) {
      return Promise.reject(error);
    }
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return running;
  }

  /** Refuses new work, waits for the work in flight to settle, then runs `release` (once). */
  close(release: () => Promise<void>): Promise<void> {
    this.#closing ??= this.#drain().then(release);
    return this.#closing;
  }

  async #drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
