/** The error every store raises for a tracking position that does not move forward. */
import { IntegrityError } from './errors.js';
import type { Tracking } from './recorder.js';

/**
 * Tracking positions of one (application, upstream) only go up, as in the Python library: a
 * position at or below the last one was processed before (or arrives out of order), and
 * recording it would let a process application apply a notification twice.
 */
export function trackingRefusal(tracking: Tracking, last: bigint, from?: bigint): IntegrityError {
  const { application, upstream, notificationId } = tracking;
  if (from !== undefined && notificationId > last) {
    return new IntegrityError(
      `${application} cannot record notification ${notificationId} of ${upstream} continuing from ${from}: its ` +
        `position is ${last} (another runner moved it), so the work was rolled back; read on from ${last}`,
    );
  }
  const what = notificationId === last ? 'already processed it' : `already processed up to ${last}`;
  return new IntegrityError(
    `${application} cannot record notification ${notificationId} of ${upstream}: it ${what}, and tracking ` +
      'positions must increase; nothing was stored',
  );
}
