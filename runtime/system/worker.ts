/**
 * A worker: one of several processes (on as many machines as share one PostgreSQL) that run a
 * system's followers. Each follower, or each partition of one, is owned by one worker at a time
 * through a lease (leases.ts); the others stand by and take a lease over once it expires, or at
 * once when its owner gives it up. Workers share the followers out: each takes at most its share
 * (followers ÷ live workers, rounded up) and gives up the rest. An owned follower follows its
 * leader's log as in the concurrent runner (woken by LISTEN/NOTIFY) and commits exactly once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Application, ApplicationOptions } from '../application.js';
import { FencedError, SystemError } from '../errors.js';
import type { FollowerOptions, FollowerState, LogFollower } from '../follower.js';
import { type Projection, ProjectionRunner } from '../projection.js';
import { raiseFence } from './fences.js';
import { Leases, WORKER_PREFIX } from './leases.js';
import type { ProcessApplication } from './process-application.js';
import { leaseStoreOf, type Partitions, type SystemSlot, systemSlots, trackingStoreOf } from './slots.js';
import type { System } from './system.js';

/** Options of a {@link Worker}. */
export interface WorkerOptions extends FollowerOptions {
  /** Each application's options (its store: every one a PostgreSQL schema or database). */
  readonly applicationOptions: (name: string) => ApplicationOptions;
  /** The followers (by class name) this worker runs; all of the system's when absent. */
  readonly followers?: readonly string[];
  /**
   * Into how many partitions a follower is split (by class name; 1 when absent), each with its own
   * lease and tracking position. Every worker of a system must be given the same numbers.
   */
  readonly partitions?: Partitions;
  /** This worker's name in the leases table. @default `<host>:<pid>:<random>` */
  readonly id?: string;
  /**
   * How long a lease lasts unless renewed; a standby takes a dead worker's followers over at
   * most this long plus a renewal interval (a fifth of it) after the worker's last renewal.
   * @default 5000
   */
  readonly leaseTtlMs?: number;
  /** Told each lease taken, given up, lost, and each follower's failure. */
  readonly log?: (line: string) => void;
}

/** What {@link Worker.status} says of one follower (or partition) of the system. */
export interface WorkerSlotStatus {
  /** The lease's name: `Counters/DogSchool`, or `Counters/DogSchool#2/3` for a partition. */
  readonly lease: string;
  readonly follower: string;
  readonly leader: string;
  /** Whether this worker owns it now. */
  readonly owned: boolean;
  readonly state: FollowerState;
  readonly position: bigint;
}

interface Slot extends SystemSlot {
  running: LogFollower | undefined;
  failureNoted: boolean;
  /** Taken beyond this worker's share because no worker took it for a whole round: kept, not given back. */
  extra: boolean;
  /** Its follower's start, while in progress: a stop waits for it. */
  starting: Promise<void> | undefined;
}

/** Runs a share of a system's followers in this process, under leases. */
export class Worker {
  readonly id: string;
  readonly system: System;
  readonly #options: WorkerOptions;
  readonly #ttl: number;
  readonly #apps = new Map<string, Application>();
  readonly #projections = new Map<string, Projection>();
  readonly #slots: Slot[];
  #leases: Leases | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();
  #stopping = false;
  /** Followers being started. */
  readonly #starting = new Set<Promise<void>>();
  /** For each lease no worker held at the end of the last round: for how many rounds in a row. */
  #unheld = new Map<string, number>();

  constructor(system: System, options: WorkerOptions) {
    this.system = system;
    this.#options = options;
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#ttl = options.leaseTtlMs ?? 5000;
    if (!Number.isFinite(this.#ttl) || this.#ttl < 100) {
      throw new SystemError(`a worker's leaseTtlMs must be at least 100 (ms), got ${String(options.leaseTtlMs)}`);
    }
    this.#slots = systemSlots(system, options.partitions, options.followers).map((slot) => ({
      ...slot,
      running: undefined,
      failureNoted: false,
      extra: false,
      starting: undefined,
    }));
    for (const cls of system.classes) {
      this.#apps.set(cls.name, new cls({ ...options.applicationOptions(cls.name), name: cls.name }));
    }
    for (const cls of system.projections) this.#projections.set(cls.name, new cls());
  }

  /** The running instance of an application of the system (named by its class). */
  application(name: string): Application {
    const app = this.#apps.get(name);
    if (app === undefined) throw new SystemError(`the system has no application ${name}`);
    return app;
  }

  /** Registers the worker and takes its share of the leases; renews and rebalances from then on. */
  async start(): Promise<void> {
    if (this.#leases !== undefined) return;
    this.#leases = new Leases(await this.#leaseStore().recorder());
    await this.#leases.acquire(this.#workerLease(), this.id, this.#ttl);
    await this.#tick();
    this.#timer = setInterval(() => {
      this.#ticking = this.#ticking
        .then(() => this.#tick())
        .catch((error: unknown) => this.#say(`tick failed: ${String(error)}`));
    }, this.#ttl / 5);
  }

  /**
   * Drains: stops every owned follower (its batch in flight commits or rolls back whole), gives its
   * lease up so a standby takes it at once, then closes the applications.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    await this.#ticking;
    await Promise.all(this.#starting);
    const leases = this.#leases;
    await Promise.all(this.#slots.filter((s) => s.running !== undefined).map((s) => this.#giveUp(s)));
    if (leases !== undefined) await leases.release(this.#workerLease(), this.id).catch(() => undefined);
    await Promise.all([...this.#apps.values()].map((app) => app.close()));
  }

  /** Every follower (or partition) this worker may run, and whether it owns it. */
  status(): WorkerSlotStatus[] {
    return this.#slots.map((s) => ({
      lease: s.lease,
      follower: s.edge.follower,
      leader: s.edge.leader,
      owned: s.running !== undefined,
      state: s.running?.state ?? 'idle',
      position: s.running?.position ?? 0n,
    }));
  }

  /** One round: renew what is owned, note failures, then take or give up leases towards this worker's share. */
  async #tick(): Promise<void> {
    const leases = this.#leases;
    if (leases === undefined || this.#stopping) return;
    await leases.acquire(this.#workerLease(), this.id, this.#ttl);
    for (const slot of this.#slots.filter((s) => s.running !== undefined)) {
      if (!(await leases.renew(slot.lease, this.id, this.#ttl))) {
        this.#say(`lost ${slot.lease} (not renewed in time; another worker owns it now): stopping it`);
        await this.#stopFollower(slot);
        continue;
      }
      const running = slot.running!;
      if (running.state === 'failed' && !slot.failureNoted) {
        slot.failureNoted = true;
        const reason = running.failure?.message ?? 'failed';
        this.#say(`${slot.lease} failed: ${reason}`);
        await leases.fail(slot.lease, this.id, reason);
      }
    }
    const owned = this.#slots.filter((s) => s.running !== undefined && !s.extra);
    const share = Math.ceil(this.#slots.length / (await leases.liveWorkers()));
    const givenUp = new Set<string>();
    for (const slot of owned.slice(share).reverse()) {
      this.#say(`giving up ${slot.lease} to another worker (share ${share})`);
      await this.#giveUp(slot);
      givenUp.add(slot.lease);
    }
    let count = Math.min(owned.length, share);
    for (const slot of this.#slots) {
      if (this.#stopping) break;
      if (slot.running !== undefined) continue;
      // Beyond the share only what no worker took for two whole rounds (workers told different --followers).
      const extra = count >= share;
      if (extra && (this.#unheld.get(slot.lease) ?? 0) < 2) continue;
      const epoch = await leases.take(slot.lease, this.id, this.#ttl);
      if (epoch === undefined) continue;
      if (!extra) count++;
      // Not awaited: a follower's start (a stale view rebuilt aside) must not hold up the renewals.
      const started = this.#run(slot, extra, epoch).finally(() => this.#starting.delete(started));
      this.#starting.add(started);
      slot.starting = started;
    }
    const held = new Set((await leases.list()).filter((l) => l.live).map((l) => l.name));
    const unheld = this.#slots.map((s) => s.lease).filter((name) => !held.has(name) && !givenUp.has(name));
    this.#unheld = new Map(unheld.map((name) => [name, (this.#unheld.get(name) ?? 0) + 1]));
  }

  /**
   * Starts the follower of a slot whose lease this worker just took (epoch `epoch`): raises the
   * fence of its tracking key first, so a commit of an owner before this one (stalled past its
   * lease) is refused from now on, and only then reads the position.
   */
  async #run(slot: Slot, extra: boolean, epoch: bigint): Promise<void> {
    slot.failureNoted = false;
    slot.extra = extra;
    const running = this.#follower(slot, epoch);
    slot.running = running;
    try {
      const store = await this.#apps.get(trackingStoreOf(slot))!.recorder();
      if (!(await raiseFence(store, running.trackingKey, epoch))) {
        throw new SystemError(`${slot.lease} was taken over by another worker before its follower started`);
      }
      await running.start();
      this.#say(
        `owns ${slot.lease} from notification ${running.position}${extra ? ' (beyond its share: no other worker took it)' : ''}`,
      );
    } catch (error) {
      this.#say(`${slot.lease} could not start: ${(error as Error).message}`);
      slot.failureNoted = true;
      await this.#leases?.fail(slot.lease, this.id, (error as Error).message);
    }
  }

  async #giveUp(slot: Slot): Promise<void> {
    await this.#stopFollower(slot);
    await this.#leases?.release(slot.lease, this.id);
    this.#say(`released ${slot.lease}`);
  }

  async #stopFollower(slot: Slot): Promise<void> {
    const running = slot.running;
    slot.running = undefined;
    // A follower still starting would begin following after a stop: let it start first.
    await slot.starting?.catch(() => undefined);
    if (running === undefined) return;
    await running.stop();
    const fenced =
      running.failure instanceof FencedError ? ` (its last commit was fenced off: ${running.failure.message})` : '';
    this.#say(`stopped ${slot.lease} at notification ${running.position}${fenced}`);
  }

  #follower(slot: Slot, epoch: bigint): LogFollower {
    const { edge, partition } = slot;
    const leader = this.#apps.get(edge.leader)!;
    const options = { ...this.#options, epoch };
    if (edge.kind === 'projection') return new ProjectionRunner(leader, this.#projections.get(edge.follower)!, options);
    const follower = this.#apps.get(edge.follower) as ProcessApplication;
    return follower.follow(leader, partition === undefined ? options : { ...options, partition });
  }

  #leaseStore(): Application {
    return this.#apps.get(leaseStoreOf(this.system))!;
  }

  #workerLease(): string {
    return `${WORKER_PREFIX}${this.id}`;
  }

  #say(line: string): void {
    this.#options.log?.(`worker ${this.id}: ${line}`);
  }
}
