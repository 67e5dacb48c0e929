/**
 * How far a page of the log is complete (`LogPage.upTo`), for stores where every id up to the
 * head read before the page is visible to the page's read: memory, and SQLite, whose single
 * writer makes ids visible in id order.
 */
import type { Notification, ReadNotificationsOptions } from './recorder.js';

/** The position before `start`: what a read that covered nothing has covered. */
export function before(start: bigint): bigint {
  return start > 0n ? start - 1n : 0n;
}

/**
 * The page's `upTo`: a full page is complete to its last event (more may match after it); a short
 * one up to `head`, the log's highest id when (or before) the page was read, capped by `stop`.
 */
export function completeUpTo(o: ReadNotificationsOptions, page: readonly Notification[], head: bigint): bigint {
  const floor = before(o.start);
  if (o.limit === 0) return floor;
  let upTo = page.length === o.limit ? page[page.length - 1]!.id : head;
  if (o.stop !== undefined && upTo > o.stop) upTo = o.stop;
  return upTo > floor ? upTo : floor;
}
