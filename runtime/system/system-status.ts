/**
 * Where a system's followers stand, read from the stores (any process can ask, e.g.
 * `eventforge system status`): per follower or partition its stored position, its leader's
 * head, the lag, the lease's owner and the failure its owner noted, and its parked events.
 */
import type { Application } from '../application.js';
import type { ParkedEvent } from '../recorder.js';
import { type Lease, Leases, WORKER_PREFIX } from './leases.js';
import { leaseStoreOf, type SystemSlot, trackingStoreOf } from './slots.js';
import type { System } from './system.js';

/** One follower of one leader (or one partition of it), as stored. */
export interface SlotStatus {
  readonly lease: string;
  readonly follower: string;
  readonly leader: string;
  /** `2/3` for the second of three partitions. */
  readonly partition: string | undefined;
  /** How far it has processed: its stored position, or the head when no event of its topics lies between. */
  readonly position: bigint;
  /** The leader's head. */
  readonly head: bigint;
  readonly lag: bigint;
  /** The worker that holds its lease (none when `eventforge run` without --worker runs it, or none runs it). */
  readonly owner: string | undefined;
  /** Whether that lease is unexpired. */
  readonly live: boolean;
  readonly expiresAt: Date | undefined;
  /** What its owner noted when the follower failed. */
  readonly failure: string | undefined;
  readonly parked: readonly ParkedEvent[];
}

/** The status of every slot, and the workers' own rows. */
export interface SystemStatusReport {
  readonly slots: readonly SlotStatus[];
  readonly workers: readonly Lease[];
}

/** Reads one slot's status; `topics` are what it reads of its leader's log (all when absent or empty). */
export async function slotStatus(
  slot: SystemSlot,
  apps: (name: string) => Application,
  topics: readonly string[] | undefined,
  lease: Lease | undefined,
): Promise<SlotStatus> {
  const leader = apps(slot.edge.leader);
  const recorder = await apps(trackingStoreOf(slot)).recorder();
  const stored = await recorder.maxTrackingId(slot.tracking.application, slot.tracking.upstream);
  const head = await leader.log.maxId();
  let position = stored;
  if (stored < head) {
    const filter = topics === undefined || topics.length === 0 ? {} : { topics };
    const [next] = await leader.log.select(stored + 1n, 1, { stop: head, ...filter });
    if (next === undefined) position = head;
  }
  return {
    lease: slot.lease,
    follower: slot.edge.follower,
    leader: slot.edge.leader,
    partition: slot.partition === undefined ? undefined : `${slot.partition.index + 1}/${slot.partition.count}`,
    position,
    head,
    lag: head - position,
    owner: lease?.owner,
    live: lease?.live ?? false,
    expiresAt: lease?.expiresAt,
    failure: lease?.failure,
    parked: await recorder.parkedEvents(slot.parkKey),
  };
}

/**
 * The status of `slots` of `system`; `topicsOf(follower)` names what each reads. Leases are read
 * when the lease store is PostgreSQL (elsewhere no worker runs).
 */
export async function systemStatus(
  system: System,
  slots: readonly SystemSlot[],
  apps: (name: string) => Application,
  topicsOf: (follower: string) => readonly string[] | undefined,
): Promise<SystemStatusReport> {
  const recorder = await apps(leaseStoreOf(system)).recorder();
  const leases =
    (await recorder.transaction(async (tx) => tx.provider)) === 'postgresql' ? await new Leases(recorder).list() : [];
  const byName = new Map(leases.map((l) => [l.name, l]));
  return {
    slots: await Promise.all(
      slots.map((slot) => slotStatus(slot, apps, topicsOf(slot.edge.follower), byName.get(slot.lease))),
    ),
    workers: leases.filter((l) => l.name.startsWith(WORKER_PREFIX)),
  };
}
