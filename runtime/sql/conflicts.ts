/** Works out which event an append collided on, for a `ConcurrencyError` that names it. */
import type { StoredEvent, Tracking } from '../recorder.js';
import { ConcurrencyError } from '../errors.js';
import { trackingRefusal } from '../tracking-refusal.js';
import * as q from './dialect.js';
import type { SqlQueryable } from './driver-adapter.js';

/** `stream\0version`, the key of one stored position. */
export function positionKey(streamId: string, version: number): string {
  return `${streamId}\u0000${version}`;
}

/**
 * The error for a refused append, chosen as the in-memory recorder chooses it: the first event
 * (in the append's order) whose position is stored already or repeats an earlier event of the
 * append. `taken` holds the stored positions among the append's; `current` each stream's version.
 * The actual version, as in memory, counts the append's earlier events of that stream (0 for a
 * stream with none).
 */
export function concurrencyErrorFor(
  events: readonly StoredEvent[],
  taken: ReadonlySet<string>,
  current: ReadonlyMap<string, number>,
): ConcurrencyError {
  const seen = new Set<string>();
  const batchHead = new Map<string, number>();
  const actual = (streamId: string) => Math.max(current.get(streamId) ?? 0, batchHead.get(streamId) ?? 0);
  for (const e of events) {
    const key = positionKey(e.streamId, e.version);
    if (taken.has(key) || seen.has(key)) return new ConcurrencyError(e.streamId, e.version - 1, actual(e.streamId));
    seen.add(key);
    batchHead.set(e.streamId, Math.max(batchHead.get(e.streamId) ?? 0, e.version));
  }
  // Unreachable when the database refused the append; a stream's head is the best answer left.
  const e = events[0]!;
  return new ConcurrencyError(e.streamId, e.version - 1, current.get(e.streamId) ?? 0);
}

/** Reads `[stream_id, max(version)]` rows into a map. */
export function versionsByStream(rows: readonly (readonly unknown[])[]): Map<string, number> {
  return new Map(rows.map((r) => [r[0] as string, Number(r[1])]));
}

/** Reads `[stream_id, version]` rows into a set of position keys. */
export function positions(rows: readonly (readonly unknown[])[]): Set<string> {
  return new Set(rows.map((r) => positionKey(r[0] as string, Number(r[1]))));
}

/**
 * Inserts the tracking record inside the append's transaction, after the caller has made it the
 * only writer of this (application, upstream). A position at or below the last one means the
 * upstream notification was processed before, so the whole append is refused (exactly once).
 */
export async function insertTrackingOnce(
  on: SqlQueryable,
  d: q.Dialect,
  tracking: Tracking,
  idsAsText = false,
): Promise<void> {
  const last = q.toBigInt(
    (await on.queryRaw(q.selectMaxTrackingId(d, tracking.application, tracking.upstream, idsAsText))).rows[0]?.[0],
  );
  if (tracking.notificationId <= last) throw trackingRefusal(tracking, last);
  const inserted = await on.queryRaw(q.insertTracking(d, tracking));
  if (inserted.rows.length === 0) throw trackingRefusal(tracking, tracking.notificationId);
}
