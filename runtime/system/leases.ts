/**
 * The leases table of a system's workers (PostgreSQL): who owns which follower until when, by
 * the database's clock (workers' clocks never compare). A worker renews what it owns well before
 * it expires; an expired lease may be taken by any worker. Workers also keep a row of their own
 * (`worker/<id>`) so each knows how many are alive and takes only its share.
 */
import { SystemError } from '../errors.js';
import type { Recorder, RecorderTransaction } from '../recorder.js';

/** One row of the leases table. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly acquiredAt: Date;
  readonly renewedAt: Date;
  readonly expiresAt: Date;
  /** Whether `expiresAt` is still ahead, by the database's clock. */
  readonly live: boolean;
  /** Why the owner's follower failed (it keeps the lease, so no other worker fails the same way). */
  readonly failure: string | undefined;
  /** The fencing token of this ownership: new at every take-over, always above every earlier one. */
  readonly epoch: bigint;
}

/** The row a worker keeps alive under its own id. */
export const WORKER_PREFIX = 'worker/';

/** The leases table of one store. */
export class Leases {
  readonly #recorder: Recorder;

  constructor(recorder: Recorder) {
    this.#recorder = recorder;
  }

  /** Takes `name` for `owner` for `ttlMs` unless another owner holds it unexpired; whether `owner` holds it now. */
  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.take(name, owner, ttlMs)) !== undefined;
  }

  /**
   * As `acquire`, answering the lease's epoch (its fencing token) when `owner` holds it: a new one,
   * above every earlier one, unless `owner` held it unexpired already (then its epoch is kept).
   */
  async take(name: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    const rows = await this.#sql((tx) =>
      tx.query<{ epoch: bigint | number | string }>(
        `INSERT INTO leases (name, owner, acquired_at, renewed_at, expires_at)
         VALUES ($1, $2, now(), now(), now() + $3::bigint * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE
           SET owner = EXCLUDED.owner, acquired_at = EXCLUDED.acquired_at, renewed_at = EXCLUDED.renewed_at,
               expires_at = EXCLUDED.expires_at, failure = NULL,
               epoch = CASE WHEN leases.owner = EXCLUDED.owner AND leases.expires_at > now()
                            THEN leases.epoch ELSE EXCLUDED.epoch END
           WHERE leases.expires_at <= now() OR leases.owner = EXCLUDED.owner
         RETURNING epoch`,
        [name, owner, BigInt(Math.round(ttlMs))],
      ),
    );
    return rows.length === 1 ? BigInt(rows[0]!.epoch) : undefined;
  }

  /** Extends `owner`'s lease on `name`; false when it is no longer `owner`'s (expired and taken, or removed). */
  async renew(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const changed = await this.#sql((tx) =>
      tx.execute(
        `UPDATE leases SET renewed_at = now(), expires_at = now() + $3::bigint * interval '1 millisecond'
         WHERE name = $1 AND owner = $2`,
        [name, owner, BigInt(Math.round(ttlMs))],
      ),
    );
    return changed === 1;
  }

  /** Gives `name` up (when `owner` holds it), so a standby takes it at its next attempt. */
  async release(name: string, owner: string): Promise<void> {
    await this.#sql((tx) => tx.execute('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]));
  }

  /** Notes why `owner`'s follower under `name` failed (shown by `eventforge system status`). */
  async fail(name: string, owner: string, failure: string): Promise<void> {
    await this.#sql((tx) =>
      tx.execute('UPDATE leases SET failure = $3 WHERE name = $1 AND owner = $2', [name, owner, failure]),
    );
  }

  /** Every row, by name. */
  async list(): Promise<Lease[]> {
    const rows = await this.#sql((tx) =>
      tx.query<{
        name: string;
        owner: string;
        acquired_at: Date | string;
        renewed_at: Date | string;
        expires_at: Date | string;
        live: boolean;
        failure: string | null;
        epoch: bigint | number | string;
      }>(
        'SELECT name, owner, acquired_at, renewed_at, expires_at, expires_at > now() AS live, failure, epoch ' +
          'FROM leases ORDER BY name',
      ),
    );
    return rows.map((r) => ({
      name: r.name,
      owner: r.owner,
      acquiredAt: new Date(r.acquired_at),
      renewedAt: new Date(r.renewed_at),
      expiresAt: new Date(r.expires_at),
      live: r.live,
      failure: r.failure ?? undefined,
      epoch: BigInt(r.epoch),
    }));
  }

  /** How many workers are alive (their `worker/<id>` rows unexpired), at least 1; forgets workers dead for an hour. */
  async liveWorkers(): Promise<number> {
    const [row] = await this.#sql(async (tx) => {
      await tx.execute(
        `DELETE FROM leases WHERE name LIKE '${WORKER_PREFIX}%' AND expires_at < now() - interval '1 hour'`,
      );
      return tx.query<{ n: number | bigint | string }>(
        `SELECT count(*) AS n FROM leases WHERE name LIKE '${WORKER_PREFIX}%' AND expires_at > now()`,
      );
    });
    return Math.max(1, Number(row?.n ?? 1));
  }

  #sql<T>(work: (tx: RecorderTransaction) => Promise<T>): Promise<T> {
    return this.#recorder.transaction(async (tx) => {
      if (tx.provider !== 'postgresql') {
        throw new SystemError(
          `workers keep their leases in PostgreSQL; this store is ${tx.provider}: give the system's applications ` +
            'postgresql://… stores (a worker runner needs every worker to share one PostgreSQL)',
        );
      }
      return work(tx);
    });
  }
}
