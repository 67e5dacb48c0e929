/**
 * The worker runner: the system's applications in this process, for commands and queries, with
 * their followers run by worker processes (`eventforge run <module> --worker`, worker.ts) that
 * share one PostgreSQL. What it says of a follower (position, lag, state, failure, `wait`,
 * `quiet`) it reads from the stores: tracking positions, leases and parked events.
 */
import type { Application } from '../application.js';
import { PolicyError, ProjectionError, SystemError, TimeoutError } from '../errors.js';
import type { FollowerState, WaitOptions } from '../follower.js';
import { requestRetry } from '../projection-admin.js';
import { applicationOptionsFromEnv } from './application-stores.js';
import { Leases } from './leases.js';
import type { ProcessApplication } from './process-application.js';
import { type FollowerHandle, Runner, type RunnerOptions } from './runners.js';
import { leaseStoreOf, type Partitions, type SystemSlot, systemSlots, trackingStoreOf } from './slots.js';
import { type SlotStatus, slotStatus } from './system-status.js';
import type { ProjectionClass, System, SystemEdge } from './system.js';

/** Options of a {@link WorkerRunner}. */
export interface WorkerRunnerOptions extends RunnerOptions {
  /** The partitions the workers were given (`--partitions`), to read every partition's position. */
  readonly partitions?: Partitions;
  /**
   * How often `wait` and `quiet` read the stores.
   * @default 25
   */
  readonly readIntervalMs?: number;
}

/**
 * Runs commands against a system whose followers run in worker processes. By default each
 * application's store comes from the environment as for `eventforge run` (`DATABASE_URL_<NAME>`,
 * or `DATABASE_URL` with a schema per application).
 */
export class WorkerRunner extends Runner<WorkerFollower> {
  constructor(system: System, options: WorkerRunnerOptions = {}) {
    const slots = systemSlots(system, options.partitions);
    const every = options.readIntervalMs ?? 25;
    super(system, { applicationOptions: applicationOptionsFromEnv(), ...options }, (edge, apps, projection) => {
      const topics =
        projection !== undefined ? projection.topics : (apps.get(edge.follower) as ProcessApplication).topics;
      return new WorkerFollower(
        edge,
        slots.filter((s) => s.edge === edge),
        (name) => apps.get(name)!,
        apps.get(leaseStoreOf(system))!,
        topics,
        every,
      );
    });
  }

  /** Refused: a projection runs in the worker that owns it; read its view from the store. */
  override projection(cls: ProjectionClass): never {
    throw new SystemError(
      `projection ${cls.name} runs in the worker process that owns its lease, not here; read its view from the store`,
    );
  }

  protected async begin(): Promise<void> {
    // Where the followers stand, as the workers left it.
    await Promise.all(this.links.map((link) => link.runner.lag()));
  }

  protected async end(): Promise<void> {}
}

/** A follower run by workers, as its stores show it. */
export class WorkerFollower implements FollowerHandle {
  readonly #edge: SystemEdge;
  readonly #slots: readonly SystemSlot[];
  readonly #apps: (name: string) => Application;
  readonly #leaseStore: Application;
  readonly #topics: readonly string[] | undefined;
  readonly #every: number;
  #state: FollowerState = 'idle';
  #position = 0n;
  #failure: Error | undefined;
  #stopped = false;

  constructor(
    edge: SystemEdge,
    slots: readonly SystemSlot[],
    apps: (name: string) => Application,
    leaseStore: Application,
    topics: readonly string[] | undefined,
    every: number,
  ) {
    this.#edge = edge;
    this.#slots = slots;
    this.#apps = apps;
    this.#leaseStore = leaseStore;
    this.#topics = topics;
    this.#every = every;
  }

  /** `running` while every partition's lease is held, `failed` once a worker noted a failure, else `idle`. */
  get state(): FollowerState {
    return this.#state;
  }

  /** As last read: the lowest position of its partitions. */
  get position(): bigint {
    return this.#position;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Reads where it stands; how many notifications it is behind its leader's head. */
  async lag(): Promise<bigint> {
    const statuses = await this.#read();
    return statuses.reduce((lag, s) => (s.lag > lag ? s.lag : lag), 0n);
  }

  /** Resolves once every partition has processed notification `id`; fails with the failure a worker noted. */
  async wait(id: bigint, options: WaitOptions = {}): Promise<void> {
    const timeout = options.timeout ?? 10_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.#read();
      if (this.#position >= id) return;
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#stopped) throw new SystemError(`the runner of ${this.#edge.follower} was stopped`);
      if (Date.now() >= deadline) {
        throw new TimeoutError(
          `${this.#edge.follower} (following ${this.#edge.leader}, run by workers) did not reach notification ${id} ` +
            `within ${timeout} ms (it is at ${this.#position}; state ${this.#state})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.#every));
    }
  }

  /** Stops reading; the workers go on. */
  async stop(): Promise<void> {
    this.#stopped = true;
  }

  /** Marks its parked events (all, or one) for the owning worker to replay within a second; the ids marked. */
  async retryParked(notificationId?: bigint): Promise<bigint[]> {
    const marked: bigint[] = [];
    for (const slot of this.#slots) {
      const recorder = await this.#apps(trackingStoreOf(slot)).recorder();
      for (const p of await recorder.parkedEvents(slot.parkKey)) {
        if (notificationId !== undefined && p.notificationId !== notificationId) continue;
        if ((await requestRetry(recorder, slot.parkKey, p.notificationId)) > 0) marked.push(p.notificationId);
      }
    }
    return marked;
  }

  async #read(): Promise<SlotStatus[]> {
    const recorder = await this.#leaseStore.recorder();
    const leases = new Map((await new Leases(recorder).list()).map((l) => [l.name, l]));
    const statuses = await Promise.all(
      this.#slots.map((slot) => slotStatus(slot, this.#apps, this.#topics, leases.get(slot.lease))),
    );
    this.#position = statuses.reduce((low, s) => (s.position < low ? s.position : low), statuses[0]?.position ?? 0n);
    const failed = statuses.find((s) => s.failure !== undefined);
    if (failed !== undefined) {
      this.#failure ??= this.#failureOf(failed);
      this.#state = 'failed';
    } else {
      this.#failure = undefined;
      this.#state = statuses.every((s) => s.live) ? 'running' : 'idle';
    }
    return statuses;
  }

  /** The error the worker's follower failed with, from what the stores keep: the parked event it stopped at. */
  #failureOf(status: SlotStatus): Error {
    const parked = status.parked.find((p) => p.notificationId > status.position) ?? status.parked.at(-1);
    const cause = new Error(parked?.error ?? status.failure);
    if (parked === undefined)
      return new SystemError(`${status.lease} failed in worker ${status.owner}: ${status.failure}`);
    return this.#edge.kind === 'projection'
      ? new ProjectionError(this.#edge.follower, parked.notificationId, parked.topic, parked.attempts, { cause })
      : new PolicyError(this.#edge.follower, this.#edge.leader, parked.notificationId, parked.topic, parked.attempts, {
          cause,
        });
  }
}
