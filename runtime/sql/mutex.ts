/**
 * A first-come first-served async lock. SQLite allows one writer per file, and better-sqlite3 blocks
 * the thread while it waits for a lock, so two connections of one process must never wait on each
 * other inside SQLite: they queue here instead.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `task` once every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const byKey = new Map<string, Mutex>();

/** The process-wide lock of one key (e.g. a SQLite file's absolute path). */
export function sharedMutex(key: string): Mutex {
  let mutex = byKey.get(key);
  if (mutex === undefined) {
    mutex = new Mutex();
    byKey.set(key, mutex);
  }
  return mutex;
}
