/**
 * The concurrency workload shared by the SQLite (child processes) and PostgreSQL
 * (separate pools) tests: writers append to the same streams, re-reading the head and retrying
 * whenever the store refuses with ConcurrencyError.
 */
import { ConcurrencyError } from '../../runtime/errors.js';
import type { Recorder, StoredEvent } from '../../runtime/recorder.js';

export interface WriterReport {
  readonly writer: number;
  /** Events this writer got stored, per stream. */
  readonly stored: Record<string, number>;
  readonly conflicts: number;
  /** Names of errors other than ConcurrencyError (must stay empty). */
  readonly otherErrors: string[];
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

export function event(streamId: string, version: number, writer: number): StoredEvent {
  return {
    streamId,
    version,
    topic: 'Test.Counter.Incremented',
    schemaVersion: 1,
    timestamp: new Date(),
    state: new TextEncoder().encode(JSON.stringify({ writer, version })),
  };
}

/** Makes `saves` successful appends of 1–3 events each, to streams picked at random. */
export async function runWriter(
  recorder: Recorder,
  writer: number,
  streams: readonly string[],
  saves: number,
  /** Record a tracking record with every other save (a process application's saves). */
  tracked = false,
): Promise<WriterReport> {
  const random = lcg(writer * 7919 + 1);
  const stored: Record<string, number> = {};
  const otherErrors: string[] = [];
  let conflicts = 0;
  for (let done = 0; done < saves; ) {
    const streamId = streams[Math.floor(random() * streams.length)]!;
    const count = 1 + Math.floor(random() * 3);
    for (;;) {
      const [head] = await recorder.readStream(streamId, { descending: true, limit: 1 });
      const from = (head?.version ?? 0) + 1;
      try {
        const tracking =
          tracked && done % 2 === 0
            ? { application: `Writer${writer}`, upstream: 'Up', notificationId: BigInt(done + 1) }
            : undefined;
        await recorder.append(
          Array.from({ length: count }, (_, i) => event(streamId, from + i, writer)),
          tracking === undefined ? {} : { tracking },
        );
        stored[streamId] = (stored[streamId] ?? 0) + count;
        done++;
        break;
      } catch (error) {
        if (error instanceof ConcurrencyError && error.streamId === streamId && error.expectedVersion === from - 1) {
          conflicts++;
          continue;
        }
        otherErrors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        // Stop here: retrying an error that persists (a closed store, a lost server) would never end.
        return { writer, stored, conflicts, otherErrors };
      }
    }
  }
  return { writer, stored, conflicts, otherErrors };
}
