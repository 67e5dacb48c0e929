/**
 * An application's data keys: unwrapped keys cached per subject (least recently used first out,
 * and for at most `ttlMs`, so a subject forgotten by another process stops being readable here
 * within that time), loaded from the store in one query per batch, created on first use.
 */
import { ConfigurationError } from '../errors.js';
import type { NewDataKey, Recorder } from '../recorder.js';
import type { KeyProvider } from './key-provider.js';
import { newDataKey } from './key-provider.js';
import type { DataKeyState } from './personal-payload.js';

/** Options of {@link DataKeys}. */
export interface DataKeyCacheOptions {
  /** Subjects whose unwrapped key stays in memory. @default 10000 */
  readonly capacity?: number;
  /** How long a cached key is trusted before it is read again. @default 60000 */
  readonly ttlMs?: number;
}

interface Cached {
  readonly state: DataKeyState;
  readonly until: number;
}

/** Keys made for a save, kept out of the cache until the append that stores them succeeds. */
export interface KeysForSave {
  readonly newKeys: readonly NewDataKey[];
  /** The key (or forgotten) of each subject of the save. */
  readonly keyOf: (subject: string) => DataKeyState | undefined;
  /** Caches the new keys: call after the append succeeded. */
  commit(): void;
}

export class DataKeys {
  readonly #cache = new Map<string, Cached>();
  readonly #capacity: number;
  readonly #ttlMs: number;

  constructor(
    readonly provider: KeyProvider | undefined,
    options: DataKeyCacheOptions = {},
  ) {
    this.#capacity = options.capacity ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 60_000;
  }

  /** The cached key of a subject (refreshing its place), or undefined when not cached or expired. */
  cached(subject: string): DataKeyState | undefined {
    const entry = this.#cache.get(subject);
    if (entry === undefined) return undefined;
    this.#cache.delete(subject);
    if (entry.until < Date.now()) return undefined;
    this.#cache.set(subject, entry);
    return entry.state;
  }

  /**
   * The keys of the subjects: cached ones, and the others read and unwrapped in one query (and
   * cached). A subject without a row is left out. The result is what the caller uses, whatever
   * the cache has evicted meanwhile.
   */
  async load(recorder: Pick<Recorder, 'readDataKeys'>, subjects: Iterable<string>): Promise<Map<string, DataKeyState>> {
    const found = new Map<string, DataKeyState>();
    const missing: string[] = [];
    for (const subject of new Set(subjects)) {
      const state = this.cached(subject);
      if (state === undefined) missing.push(subject);
      else found.set(subject, state);
    }
    if (missing.length === 0) return found;
    const provider = this.#requireProvider('read personal data');
    const rows = await recorder.readDataKeys(missing);
    const unwrapped = await Promise.all(
      rows.map(async (row) =>
        row.wrapped === undefined ? 'forgotten' : await provider.unwrap(row.wrapped, row.subject),
      ),
    );
    rows.forEach((row, i) => {
      this.#put(row.subject, unwrapped[i]!);
      found.set(row.subject, unwrapped[i]!);
    });
    return found;
  }

  /**
   * The keys a save needs: loaded, or made (wrapped for the store) where a subject of `make` has
   * none; the subjects of `load` only (snapshots) are read.
   */
  async forSave(
    recorder: Pick<Recorder, 'readDataKeys'>,
    make: ReadonlySet<string>,
    load: ReadonlySet<string>,
  ): Promise<KeysForSave> {
    const provider = this.#requireProvider('store personal data');
    const known = await this.load(recorder, [...make, ...load]);
    const made = new Map<string, Uint8Array>();
    const newKeys: NewDataKey[] = [];
    for (const subject of make) {
      if (known.has(subject)) continue;
      const key = newDataKey();
      made.set(subject, key);
      newKeys.push({ subject, wrapped: await provider.wrap(key, subject) });
    }
    return {
      newKeys,
      keyOf: (subject) => made.get(subject) ?? known.get(subject),
      commit: () => {
        for (const [subject, key] of made) this.#put(subject, key);
      },
    };
  }

  /** Marks the subject forgotten here at once (other processes see it within `ttlMs`). */
  forgotten(subject: string): void {
    this.#put(subject, 'forgotten');
  }

  /** Drops cached keys (another writer created them first). */
  invalidate(subjects: Iterable<string>): void {
    for (const subject of subjects) this.#cache.delete(subject);
  }

  #put(subject: string, state: DataKeyState): void {
    this.#cache.delete(subject);
    this.#cache.set(subject, { state, until: Date.now() + this.#ttlMs });
    if (this.#cache.size > this.#capacity) this.#cache.delete(this.#cache.keys().next().value!);
  }

  #requireProvider(what: string): KeyProvider {
    if (this.provider === undefined)
      throw new ConfigurationError(
        `cannot ${what}: personal fields are encrypted with data keys, and no master key is configured; set EVENTFORGE_MASTER_KEY (base64 of 32 random bytes) or give the keyProvider option`,
      );
    return this.provider;
  }
}
