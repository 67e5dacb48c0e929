/** Works out which stream an append collided on, for a `ConcurrencyError` that names it. */
import type { StoredEvent } from '../recorder.js';
import { ConcurrencyError, EventforgeError } from '../errors.js';

/**
 * The error for a refused append: the first stream (in the append's order) that is already at or
 * past the first version the append wanted to write there. `current` maps stream id to its version.
 */
export function concurrencyErrorFor(
  events: readonly StoredEvent[],
  current: ReadonlyMap<string, number>,
): ConcurrencyError {
  const firstVersion = new Map<string, number>();
  const seen = new Set<string>();
  let duplicate: StoredEvent | undefined;
  for (const e of events) {
    const key = `${e.version}\u0000${e.streamId}`;
    if (seen.has(key)) duplicate ??= e;
    seen.add(key);
    const first = firstVersion.get(e.streamId);
    if (first === undefined || e.version < first) firstVersion.set(e.streamId, e.version);
  }
  for (const [streamId, first] of firstVersion) {
    const actual = current.get(streamId);
    if (actual !== undefined && actual >= first) return new ConcurrencyError(streamId, first - 1, actual);
  }
  // No stored row collides, so the append itself names one (stream, version) twice.
  const e = duplicate ?? events[0]!;
  return new ConcurrencyError(e.streamId, e.version - 1, current.get(e.streamId));
}

/** Reads `[stream_id, max(version)]` rows into a map. */
export function versionsByStream(rows: readonly (readonly unknown[])[]): Map<string, number> {
  return new Map(rows.map((r) => [r[0] as string, Number(r[1])]));
}

/** Refuses versions the store could never hold (as the in-memory recorder does), before any SQL. */
export function checkVersions(events: readonly StoredEvent[]): void {
  for (const e of events) {
    if (!Number.isSafeInteger(e.version) || e.version < 1 || e.version > 2147483647) {
      throw new EventforgeError(`stream ${e.streamId}: version ${e.version} is not a positive 32-bit integer`);
    }
  }
}
