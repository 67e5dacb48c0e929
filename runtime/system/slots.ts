/**
 * The units a system's followers are run and leased in: one per follower and leader, or K per
 * follower split into K partitions. Workers lease them; `system status` reports them.
 */
import { SystemError } from '../errors.js';
import { PROJECTION_UPSTREAM } from '../projection.js';
import { checkPartitionCount, type Partition, partitionKey } from './partitions.js';
import type { System, SystemEdge } from './system.js';

/** One follower of one leader, or one partition of it. */
export interface SystemSlot {
  /** The lease's name: `Counters/DogSchool`, or `Counters/DogSchool#2/3`; also the key of its parked events. */
  readonly lease: string;
  readonly edge: SystemEdge;
  readonly partition: Partition | undefined;
  /** The key its parked events are kept under. */
  readonly parkKey: string;
  /** The tracking row's `application` and `upstream`. */
  readonly tracking: { readonly application: string; readonly upstream: string };
}

/** Into how many partitions each follower is split (by class name; 1 when absent). */
export type Partitions = Readonly<Record<string, number>>;

/** The slots of `system`'s followers (all, or those named), checking the partition counts. */
export function systemSlots(system: System, partitions: Partitions = {}, followers?: readonly string[]): SystemSlot[] {
  const known = [...new Set(system.edges.map((e) => e.follower))];
  for (const name of followers ?? []) {
    if (!known.includes(name)) {
      throw new SystemError(`the system has no follower ${name}; its followers are ${known.join(', ')}`);
    }
  }
  for (const [name, count] of Object.entries(partitions)) {
    if (!known.includes(name)) {
      throw new SystemError(`partitions: the system has no follower ${name}; its followers are ${known.join(', ')}`);
    }
    checkPartitionCount(name, count);
    if (count > 1 && system.edges.some((e) => e.follower === name && e.kind === 'projection')) {
      throw new SystemError(`partitions: ${name} is a projection; only process applications can be partitioned`);
    }
  }
  const chosen = new Set(followers ?? known);
  // A projection tracks and parks under its own `name` (a generated view's is the view's, e.g.
  // StockLevels), not its class name: read from an instance (projection classes take no arguments).
  const projectionNames = new Map(system.projections.map((cls) => [cls.name, new cls().name]));
  return system.edges
    .filter((edge) => chosen.has(edge.follower))
    .flatMap((edge) => {
      const count = partitions[edge.follower] ?? 1;
      return Array.from({ length: count }, (_, index) => {
        const partition = count === 1 ? undefined : { index, count };
        const projection = edge.kind === 'projection';
        const upstream = projection ? PROJECTION_UPSTREAM : partitionKey(edge.leader, partition);
        const lease = `${edge.follower}/${partitionKey(edge.leader, partition)}`;
        const application = projection ? projectionNames.get(edge.follower)! : edge.follower;
        const parkKey = projection ? application : lease;
        return { lease, edge, partition, parkKey, tracking: { application, upstream } };
      });
    });
}

/** The application whose store holds the system's leases: where its first follower keeps its tracking. */
export function leaseStoreOf(system: System): string {
  const first = system.edges[0];
  if (first === undefined) throw new SystemError('the system has no follower to lease');
  return first.kind === 'projection' ? first.leader : first.follower;
}

/** The application whose store keeps a slot's tracking and parked events. */
export function trackingStoreOf(slot: SystemSlot): string {
  return slot.edge.kind === 'projection' ? slot.edge.leader : slot.edge.follower;
}
