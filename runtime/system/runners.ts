/**
 * Runners: one system, three ways of running it with the same behaviour. The single-threaded
 * runner processes the followers in a fixed order after each save until the system is quiet
 * (deterministic: tests, development); the concurrent runner lets each follower follow its
 * leaders' logs on its own (subscriptions woken by the stores' log signals); with the worker
 * runner the followers run in worker processes (worker.ts, `eventforge run --worker`) and this
 * process runs commands and reads where they stand from the stores.
 */
import { setAfterSave } from '../after-save.js';
import type { Application, ApplicationOptions } from '../application.js';
import { SystemError, TimeoutError } from '../errors.js';
import type { FollowerOptions, FollowerState, LogFollower, WaitOptions } from '../follower.js';
import { type Projection, ProjectionRunner } from '../projection.js';
import type { ProcessApplication } from './process-application.js';
import type { ApplicationClass, ProjectionClass, System, SystemEdge } from './system.js';

/** Options of a runner. */
export interface RunnerOptions extends FollowerOptions {
  /**
   * The options each application is constructed with (its store: `env: { DATABASE_URL }` or a
   * `recorder`); each application needs a store of its own. By default every application gets
   * its own in-memory store.
   */
  readonly applicationOptions?: (name: string) => ApplicationOptions;
}

/** What {@link Runner.status} says of one follower of one leader. */
export interface FollowerStatus {
  readonly follower: string;
  readonly leader: string;
  readonly state: FollowerState;
  /** The leader's notification id up to which the follower has processed. */
  readonly position: bigint;
  /** How many notifications the follower is behind the leader's head. */
  readonly lag: bigint;
  /** Why it failed (`state` is `failed`), e.g. a `PolicyError`. */
  readonly failure?: Error;
}

/** What a runner shows of one follower of one leader: a `LogFollower`, or one run by workers. */
export interface FollowerHandle {
  readonly state: FollowerState;
  /** The leader's notification id up to which it has processed. */
  readonly position: bigint;
  readonly failure: Error | undefined;
  lag(): Promise<bigint>;
  wait(id: bigint, options?: WaitOptions): Promise<void>;
  stop(): Promise<void>;
  retryParked(notificationId?: bigint): Promise<bigint[]>;
}

/** One follower of one leader. */
interface Link<F extends FollowerHandle> {
  readonly leader: Application;
  /** The follower's name. */
  readonly follower: string;
  readonly runner: F;
}

/** Makes the handle of one edge's follower, given the running applications and projections. */
export type MakeFollower<F> = (edge: SystemEdge, apps: ReadonlyMap<string, Application>, projection?: Projection) => F;

/** Follows in this process: a projection's runner, or the process application's `follow`. */
function localFollower(options: RunnerOptions): MakeFollower<LogFollower> {
  return (edge, apps, projection) => {
    const leader = apps.get(edge.leader)!;
    if (projection !== undefined) return new ProjectionRunner(leader, projection, options);
    return (apps.get(edge.follower) as ProcessApplication).follow(leader, options);
  };
}

/** What the runners share: the applications, constructed and linked, and their shutdown. */
export abstract class Runner<F extends FollowerHandle = LogFollower> {
  readonly system: System;
  readonly #apps = new Map<string, Application>();
  readonly #projections = new Map<string, Projection>();
  protected readonly links: readonly Link<F>[];
  #started = false;

  constructor(system: System, options: RunnerOptions = {}, makeFollower?: MakeFollower<F>) {
    this.system = system;
    const optionsOf = options.applicationOptions ?? (() => ({ env: { ...process.env, DATABASE_URL: 'memory:' } }));
    for (const cls of system.classes) {
      this.#apps.set(cls.name, new cls({ ...optionsOf(cls.name), name: cls.name }));
    }
    for (const cls of system.projections) this.#projections.set(cls.name, new cls());
    const make = makeFollower ?? (localFollower(options) as unknown as MakeFollower<F>);
    this.links = system.edges.map((edge) => ({
      leader: this.#apps.get(edge.leader)!,
      follower: edge.follower,
      runner: make(edge, this.#apps, edge.kind === 'projection' ? this.#projections.get(edge.follower) : undefined),
    }));
  }

  /** The running instance of an application class of the system. */
  get<A extends Application>(cls: ApplicationClass<A>): A {
    const app = this.#apps.get(cls.name);
    if (app === undefined || !(app instanceof cls)) {
      throw new SystemError(`the system has no application ${cls.name}`);
    }
    return app;
  }

  /** The running instance of a projection class of the system. */
  projection<P extends Projection>(cls: ProjectionClass<P>): P {
    const projection = this.#projections.get(cls.name);
    if (projection === undefined || !(projection instanceof cls)) {
      throw new SystemError(`the system has no projection ${cls.name}`);
    }
    return projection;
  }

  /** The runner of `follower` following `leader` (positions, lag, parked events, failure). */
  follower(follower: ApplicationClass<ProcessApplication> | ProjectionClass, leader: ApplicationClass): F {
    const link = this.links.find((l) => l.follower === follower.name && l.leader.name === leader.name);
    if (link === undefined) throw new SystemError(`in the system, ${follower.name} does not follow ${leader.name}`);
    return link.runner;
  }

  /** Where each follower stands: one entry per edge of the system, in its fixed order. */
  async status(): Promise<FollowerStatus[]> {
    return Promise.all(
      this.links.map(async ({ leader, follower, runner }) => {
        // First: a handle of followers run by workers reads where they stand as it reads the lag.
        const lag = await runner.lag();
        return {
          follower,
          leader: leader.name,
          state: runner.state,
          position: runner.position,
          lag,
          ...(runner.failure === undefined ? {} : { failure: runner.failure }),
        };
      }),
    );
  }

  /** Starts following; resolves once every follower has read its stored positions. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.begin();
  }

  /** Stops the followers (batches in flight commit or roll back whole), then closes the applications. */
  async stop(): Promise<void> {
    await this.end();
    await Promise.all(this.links.map((l) => l.runner.stop()));
    await Promise.all([...this.#apps.values()].map((app) => app.close()));
  }

  /**
   * Resolves once every follower has processed its leaders' logs up to their heads and no head
   * moved meanwhile: the system is quiet. Fails with a follower's failure or `TimeoutError`.
   */
  async quiet(options: { readonly timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? 10_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const heads = await Promise.all(this.links.map((l) => l.leader.log.maxId()));
      for (const [i, link] of this.links.entries()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new TimeoutError(`the system was not quiet within ${timeout} ms`);
        await link.runner.wait(heads[i]!, { timeout: left });
      }
      const after = await Promise.all(this.links.map((l) => l.leader.log.maxId()));
      if (after.every((head, i) => head === heads[i])) return;
    }
  }

  protected abstract begin(): Promise<void>;
  protected abstract end(): Promise<void>;
}

/**
 * Runs the system in the caller's thread: every save of any of its leaders resolves only
 * after the followers, in the system's fixed order, have processed everything there is, round
 * after round until a round finds nothing (so a command returns with the system quiet, and a
 * policy's failure fails the command that caused it, the command's own events being saved).
 */
export class SingleThreadedRunner extends Runner {
  #removeHooks: (() => void)[] = [];
  #processing = false;
  /** The followers whose leader saved since they last caught up: only they can have work. */
  readonly #due = new Set<Link<LogFollower>>();

  protected async begin(): Promise<void> {
    for (const link of this.links) await link.runner.open();
    // Only a leader's saves give followers work: its own followers'.
    const leaders = new Set(this.system.edges.map((e) => e.leader));
    for (const cls of this.system.classes.filter((c) => leaders.has(c.name))) {
      const leader = this.get(cls);
      const followers = this.links.filter((l) => l.leader === leader);
      this.#removeHooks.push(
        setAfterSave(leader, () => {
          for (const link of followers) this.#due.add(link);
          return this.#settle();
        }),
      );
    }
    for (const link of this.links) this.#due.add(link);
    await this.#settle();
  }

  protected async end(): Promise<void> {
    for (const remove of this.#removeHooks) remove();
    this.#removeHooks = [];
  }

  /**
   * Processes until quiet: the first follower in the system's order whose leader saved since it
   * last caught up, until there is none. A save made meanwhile (by a follower or a command) marks
   * its leader's followers; no round re-reads logs that nothing was saved to.
   */
  async #settle(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      for (;;) {
        const link = this.links.find((l) => this.#due.has(l));
        if (link === undefined) return;
        this.#due.delete(link);
        await link.runner.catchUp();
      }
    } finally {
      this.#processing = false;
    }
  }
}

/** Runs the system in this process with each follower pulling from its leaders on its own. */
export class ConcurrentRunner extends Runner {
  protected async begin(): Promise<void> {
    await Promise.all(this.links.map((link) => link.runner.start()));
  }

  protected async end(): Promise<void> {}
}
