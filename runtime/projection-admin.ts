/**
 * What `eventforge projections` reads and changes in a store: each projection's position against
 * the head of the log, its parked events, and requests to retry them. Works on the SQL stores
 * (the in-memory store lives and dies with its process, where the runners answer directly).
 */
import { EventforgeError } from './errors.js';
import { PROJECTION_UPSTREAM } from './projection.js';
import type { ParkedEvent, Recorder, RecorderTransaction } from './recorder.js';

/** One projection as the store records it. */
export interface ProjectionStatus {
  readonly name: string;
  /** The last notification id it processed (0n: none). */
  readonly position: bigint;
  /** The log's last notification id. */
  readonly head: bigint;
  /** `head - position`. */
  readonly lag: bigint;
  /** How many of its events are parked. */
  readonly parked: number;
}

/** Every projection that has a position or parked events in the store, by name. */
export async function projectionStatuses(recorder: Recorder): Promise<ProjectionStatus[]> {
  const head = await recorder.maxNotificationId();
  const positions = await sql(recorder, 'list projections', (tx, p) =>
    tx.query<{ application: string; position: unknown }>(
      `SELECT application, MAX(notification_id) AS position FROM tracking WHERE upstream = ${p(1)} GROUP BY application`,
      [PROJECTION_UPSTREAM],
    ),
  );
  const parked = await recorder.parkedEvents();
  const names = new Set([...positions.map((r) => r.application), ...parked.map((p) => p.projection)]);
  return [...names].sort().map((name) => {
    const row = positions.find((r) => r.application === name);
    const position = row === undefined ? 0n : BigInt(row.position as string | number | bigint);
    return {
      name,
      position,
      head,
      lag: head > position ? head - position : 0n,
      parked: parked.filter((p) => p.projection === name).length,
    };
  });
}

/** The parked events of one projection or all. */
export function parkedEvents(recorder: Recorder, projection?: string): Promise<ParkedEvent[]> {
  return recorder.parkedEvents(projection);
}

/**
 * Asks the projection's runner to replay its parked events (or one): marks them (attempts 0), and
 * a running runner replays them within a second, a stopped one when it starts. Returns how many
 * were marked.
 */
export async function requestRetry(recorder: Recorder, projection: string, notificationId?: bigint): Promise<number> {
  return sql(recorder, 'retry parked events', (tx, p) =>
    tx.execute(
      `UPDATE parked_events SET attempts = 0 WHERE projection = ${p(1)}` +
        (notificationId === undefined ? '' : ` AND notification_id = ${p(2)}`),
      notificationId === undefined ? [projection] : [projection, notificationId],
    ),
  );
}

/** Runs `work` with the store's placeholders; the in-memory store is refused. */
async function sql<T>(
  recorder: Recorder,
  what: string,
  work: (tx: RecorderTransaction, p: (n: number) => string) => Promise<T>,
): Promise<T> {
  return recorder.transaction(async (tx) => {
    if (tx.provider === 'memory') {
      throw new EventforgeError(
        `cannot ${what} of the in-memory store from outside its process; ask the ProjectionRunner (state, position, lag)`,
      );
    }
    return work(tx, tx.provider === 'postgresql' ? (n) => `$${n}` : () => '?');
  });
}
