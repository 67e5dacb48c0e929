/**
 * How a projection's `forget` reaches every subject forgotten, wherever and whenever the forget
 * happened (docs/personal-data.md, "Forgetting a person"). The store numbers each forget; the
 * projection keeps, keyed like its tracking, the number it has scrubbed its rows up to (its
 * watermark), advanced in the same transaction as the scrub. The runner scrubs what was forgotten
 * after the watermark when it opens, on each wake-up, and in the application's own `forget`; a
 * batch read before a forget and committed after it is scrubbed by the next of those, or in its
 * own transaction when this runner scrubbed since the batch was read (the watermark then is past
 * the forget already).
 */
import type { Application } from './application.js';
import type { Recorder, RecorderTransaction } from './recorder.js';

/** Subjects scrubbed per transaction when catching up on many forgets (a store's first open after the migration). */
const SUBJECTS_PER_TRANSACTION = 500;

/** Pages whose `#learned` value is kept: a batch's floor is the value after page p-2. */
const PAGES_KEPT = 4;

export class ProjectionForgets {
  readonly #app: Application;
  readonly #application: string;
  readonly #upstream: string;
  readonly #forget: (subject: string, tx: RecorderTransaction) => Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * Every subject forgotten up to this number was marked forgotten in the application's key cache
   * by this runner, so events decoded after that read as redacted even if the key was cached.
   */
  #learned = 0n;
  /** `#learned` after the last commit of each recent page. */
  readonly #afterPage = new Map<number, bigint>();
  /** `#learned` once open's catch-up finished: before page 1 was read. */
  #opened = 0n;
  /** Whether a transaction since the last `erase` scrubbed rows. */
  #scrubbed = false;

  constructor(
    app: Application,
    key: { application: string; upstream: string },
    forget: (subject: string, tx: RecorderTransaction) => Promise<void>,
  ) {
    this.#app = app;
    this.#application = key.application;
    this.#upstream = key.upstream;
    this.#forget = forget;
  }

  /** Runs `work` after every earlier one: batches, wake-ups and `app.forget` never interleave their scrubs. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** At open: scrubs everything forgotten after the watermark, before any event is applied. */
  async open(recorder: Recorder): Promise<void> {
    this.#afterPage.clear();
    this.#learned = 0n;
    // On SQLite this also turns on zeroing freed bytes for the connection, before any scrub writes.
    await recorder.eraseFreed?.();
    await this.catchUp(recorder);
    this.#opened = this.#learned;
  }

  /** After a commit: when it scrubbed rows, their old bytes leave the database's files too (SQLite's WAL). */
  async erase(recorder: Recorder): Promise<void> {
    if (!this.#scrubbed) return;
    this.#scrubbed = false;
    await recorder.eraseFreed?.();
  }

  /**
   * Scrubs what was forgotten after the watermark, in transactions of a few hundred subjects each
   * with its watermark advance. Cheap when nothing was: one query.
   */
  catchUp(recorder: Recorder): Promise<void> {
    return this.serial(async () => {
      for (;;) {
        const done = await recorder.transaction((tx) => this.#scrub(tx, undefined, SUBJECTS_PER_TRANSACTION));
        await this.erase(recorder);
        if (done) return;
      }
    });
  }

  /**
   * In a batch's transaction, after its events were applied (the caller holds `serial`): when
   * this runner scrubbed subjects since the batch's events may have been decoded (see `#floor`),
   * scrubs them again, with whatever else was forgotten since, so a key deleted meanwhile (or
   * still in this process's key cache) leaves no plaintext behind. Otherwise no query: a forget
   * committed while the batch ran is above the watermark, and the next wake-up (or the
   * forgetting application's own scrub, which waits for this batch) takes it.
   */
  async inBatch(tx: RecorderTransaction, page: number | undefined): Promise<void> {
    const floor = this.#floor(page);
    if (floor < this.#learned) await this.#scrub(tx, floor, Number.POSITIVE_INFINITY);
    if (page === undefined) return;
    const learned = this.#learned;
    tx.onCommit(() => {
      this.#afterPage.set(page, learned);
      for (const p of this.#afterPage.keys()) if (p <= page - PAGES_KEPT) this.#afterPage.delete(p);
    });
  }

  /** Whether every subject forgotten up to the head was scrubbed (else there are more than `limit`). */
  async #scrub(tx: RecorderTransaction, floor: bigint | undefined, limit: number): Promise<boolean> {
    const { head, watermark } = await tx.forgets.positions(this.#application, this.#upstream);
    const from = floor !== undefined && floor < watermark ? floor : watermark;
    if (head <= from) {
      // At open: subjects up to the watermark were scrubbed before; this process is assumed not to hold their keys.
      if (watermark > this.#learned) this.#learned = watermark;
      return true;
    }
    const forgotten = await tx.forgets.forgottenBetween(from, head, Math.min(limit, 2 ** 31 - 1));
    for (const { subject } of forgotten) await this.#forget(subject, tx);
    if (forgotten.length > 0) this.#scrubbed = true;
    const reached = forgotten.length < limit ? head : forgotten[forgotten.length - 1]!.sequence;
    if (reached > watermark) await tx.forgets.advance(this.#application, this.#upstream, reached);
    // Decoded from now on, their events read redacted here even within the key cache's TTL.
    this.#app.noteForgotten(forgotten.map((f) => f.subject));
    if (reached > this.#learned) this.#learned = reached;
    return reached >= head;
  }

  /**
   * A number every subject forgotten up to which was marked in the key cache before the batch's
   * events were decoded: page p is read only after every commit of page p-2 finished, so the value
   * after the latest page up to p-2 (or after open). A replayed parked event: the value after open.
   */
  #floor(page: number | undefined): bigint {
    let floor = this.#opened;
    let at = 0;
    if (page !== undefined)
      for (const [p, learned] of this.#afterPage)
        if (p <= page - 2 && p > at) {
          at = p;
          floor = learned;
        }
    return floor;
  }
}
