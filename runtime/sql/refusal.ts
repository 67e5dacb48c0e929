/** Builds the `ConcurrencyError` of a refused append from what the store holds after the rollback. */
import type { ConcurrencyError } from '../errors.js';
import type { StoredEvent } from '../recorder.js';
import { concurrencyErrorFor, positions, versionsByStream } from './conflicts.js';
import * as q from './dialect.js';
import type { SqlQuery } from './driver-adapter.js';

/** Runs one query and returns its rows. */
export type Rows = (query: SqlQuery) => Promise<unknown[][]>;

/** Looks up which of the append's positions are taken and each stream's version. */
export async function refusal(events: readonly StoredEvent[], rows: Rows, d: q.Dialect): Promise<ConcurrencyError> {
  const taken = new Set<string>();
  for (let i = 0; i < events.length; i += q.ROWS_PER_INSERT) {
    for (const key of positions(await rows(q.takenPositions(d, events.slice(i, i + q.ROWS_PER_INSERT)))))
      taken.add(key);
  }
  const streams = [...new Set(events.map((e) => e.streamId))];
  const current = versionsByStream(await rows(q.streamVersions(d, streams)));
  return concurrencyErrorFor(events, taken, current);
}
