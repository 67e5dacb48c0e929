/**
 * Partitions of one follower: K followers of one leader, each processing the events of the
 * streams whose id hashes to it, so per-stream order is kept while K workers share the work.
 * Each partition keeps its own tracking position under its own `upstream` key
 * (`DogSchool#2/3`): the tracking table and the append procedure stay as they are, and an
 * unpartitioned follower keeps the plain key (`DogSchool`) it always had.
 */
import { SystemError } from '../errors.js';

/** Partition `index` (0-based) of `count`. */
export interface Partition {
  readonly index: number;
  readonly count: number;
}

/** The partition a stream's events go to: FNV-1a (32 bits) of the id's UTF-8 bytes, modulo `count`. */
export function partitionOf(streamId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(streamId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** The tracking `upstream` (and lease/park suffix) of a partition: `DogSchool#2/3`, or `DogSchool` unpartitioned. */
export function partitionKey(upstream: string, partition: Partition | undefined): string {
  return partition === undefined || partition.count === 1
    ? upstream
    : `${upstream}#${partition.index + 1}/${partition.count}`;
}

/** The partitioning a tracking `upstream` key names: 1 for a plain key; undefined for another upstream's key. */
export function partitionsOfKey(key: string, upstream: string): { index: number; count: number } | undefined {
  if (key === upstream) return { index: 0, count: 1 };
  const match = /^(.*)#(\d+)\/(\d+)$/.exec(key);
  if (match === null || match[1] !== upstream) return undefined;
  return { index: Number(match[2]) - 1, count: Number(match[3]) };
}

/** Checks a partition count given by a user. */
export function checkPartitionCount(follower: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 1 || count > 1024) {
    throw new SystemError(`${follower}: partitions must be an integer from 1 to 1024, got ${String(count)}`);
  }
  return count;
}

/**
 * Where partition `mine` of a follower starts when it has no tracking row yet, from the rows of
 * other partitionings of the same follower and leader (`positions`: tracking key → position):
 * the position every partition of a complete, drained partitioning reached; 0 when there is
 * none ahead. Refuses (`SystemError`) when another partitioning is ahead but its partitions
 * stand at different positions: starting would process some events twice or skip some.
 */
export function startingPosition(
  label: string,
  upstream: string,
  mine: Partition,
  positions: ReadonlyMap<string, bigint>,
): bigint {
  const own = positions.get(partitionKey(upstream, mine)) ?? 0n;
  const groups = new Map<number, Map<number, bigint>>();
  for (const [key, position] of positions) {
    const p = partitionsOfKey(key, upstream);
    if (p === undefined || p.count === mine.count) continue;
    let group = groups.get(p.count);
    if (group === undefined) groups.set(p.count, (group = new Map()));
    group.set(p.index, position);
  }
  let start = own;
  for (const [count, group] of groups) {
    const all = Array.from({ length: count }, (_, i) => group.get(i) ?? 0n);
    const highest = all.reduce((a, b) => (b > a ? b : a), 0n);
    if (highest <= own) continue; // an older partitioning, behind this one
    if (all.some((p) => p !== highest)) {
      throw new SystemError(
        `${label}: it was run in ${count} partition${count === 1 ? '' : 's'}, which stand at different positions ` +
          `(${all.join(', ')}); run it with ${count} partition${count === 1 ? '' : 's'} until quiet (every partition ` +
          'at the same position), then change the number of partitions',
      );
    }
    if (highest > start) start = highest;
  }
  return start;
}
