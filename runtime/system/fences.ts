/**
 * Fences of a system's tracking keys (PostgreSQL): a worker that takes a follower's lease over
 * raises the fence of the follower's tracking key to the lease's epoch before it reads the
 * position; every commit of an owner carries its epoch, and the store refuses one below the
 * fence (`FencedError`). So an owner that stalled past its lease (a long pause in the middle of a
 * batch) and wakes after another took over cannot commit what the new owner processes again.
 * The fence lives beside the tracking records (any store of the system), the epochs come from
 * the leases table's sequence (one store): they only grow.
 */
import { SystemError } from '../errors.js';
import type { Recorder } from '../recorder.js';

/** A tracking key: the tracking rows' `application` and `upstream`. */
export interface TrackingKey {
  readonly application: string;
  readonly upstream: string;
}

/**
 * Raises `key`'s fence to `epoch`, waiting for a commit of the key in flight (it takes the
 * tracking key's lock, as commits do); false when the fence stands higher already (a newer owner
 * took over since this lease was taken: do not run the follower).
 */
export async function raiseFence(recorder: Recorder, key: TrackingKey, epoch: bigint): Promise<boolean> {
  const [row] = await recorder.transaction(async (tx) => {
    if (tx.provider !== 'postgresql') {
      throw new SystemError(
        `workers fence their commits in PostgreSQL; the store of ${key.application} is ${tx.provider}`,
      );
    }
    await tx.execute('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [key.application, key.upstream]);
    return tx.query<{ epoch: bigint | number | string }>(
      `INSERT INTO tracking_fences (application, upstream, epoch) VALUES ($1, $2, $3)
       ON CONFLICT (application, upstream) DO UPDATE SET epoch = GREATEST(tracking_fences.epoch, EXCLUDED.epoch)
       RETURNING epoch`,
      [key.application, key.upstream, epoch],
    );
  });
  return BigInt(row!.epoch) === epoch;
}
