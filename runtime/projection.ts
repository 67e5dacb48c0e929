/**
 * Projections: read models kept up to date from the application's log, exactly once. A runner
 * reads the log from the projection's tracking position and applies each batch of events and the
 * batch's new position in ONE transaction of the store (`Recorder.transaction`), so a crash at
 * any point resumes with nothing lost and nothing applied twice (docs/projections.md).
 */
import type { Application } from './application.js';
import { EventforgeError, ProjectionError } from './errors.js';
import { type FollowerOptions, type FollowerState, LogFollower } from './follower.js';
import type { LoggedEvent } from './notification-log.js';
import { every } from './log-signal.js';
import { ProjectionForgets } from './projection-forgets.js';
import type { Recorder, RecorderTransaction } from './recorder.js';

export type { WaitOptions } from './follower.js';

/** The `upstream` of a projection's tracking row: the application's own log. */
export const PROJECTION_UPSTREAM = 'eventforge.log';

/** How often a running projection with a `forget` looks for forgets made elsewhere (one cheap query). */
const WAKE_MS = 1000;

/** A read model fed by the log. `process` writes through `tx`, inside the runner's transaction. */
export interface Projection {
  /** Unique per store: the tracking row and parked events are kept under it. */
  readonly name: string;
  /** Only these topics reach `process`; all when absent or empty. */
  readonly topics?: readonly string[];
  /**
   * False when `process` reads only the events' envelopes (type, `originatorId`, version,
   * timestamp, the notification id and topic): the runner then reads the log without payloads,
   * and `event.data` throws. Declarative views that use no event field say so themselves.
   * @default true
   */
  readonly payloads?: boolean;
  /**
   * Applies a batch of events (oldest first) through `tx`. Throwing rolls the batch back; the
   * runner retries and narrows it down to the failing event (see `onParked`).
   */
  process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void>;
  /**
   * What the runner does once an event failed `maxAttempts` times and was parked: `stop` (the
   * position stays before it; the runner fails with `ProjectionError`) or `continue` past it.
   * @default 'stop'
   */
  readonly onParked?: 'stop' | 'continue';
  /**
   * Empties the read model, for a rebuild from the start of the log (`ProjectionRunner.rebuild`).
   * A projection without it cannot be rebuilt.
   */
  reset?(tx: RecorderTransaction): Promise<void>;
  /**
   * Rebuilds the read model beside the live one and swaps it in when caught up (views); when
   * present, `ProjectionRunner.rebuild` uses it instead of `reset`. `stopLive` stops this
   * runner just before the swap; the runner restarts after.
   */
  rebuildAside?(app: Application, options: { batchSize: number; stopLive: () => Promise<void> }): Promise<void>;
  /** Whether the stored read model was built from another definition: the runner rebuilds it (aside) before starting. */
  isStale?(recorder: Recorder): Promise<boolean>;
  /**
   * Scrubs what the read model holds of a forgotten subject (`app.forget`): run by `forget`
   * in a transaction of the store once the subject's data key is deleted (docs/personal-data.md).
   */
  forget?(subject: string, tx: RecorderTransaction): Promise<void>;
  /**
   * False when `forget` has nothing to scrub (a view without personal columns): the runner then
   * keeps no forget watermark and makes no forget checks for it.
   * @default true
   */
  readonly scrubsOnForget?: boolean;
}

/** Options of {@link ProjectionRunner}. */
export type ProjectionRunnerOptions = FollowerOptions;

/** `idle` (never started), `running`, `stopped` (by `stop`), `failed` (see `failure`). */
export type ProjectionState = FollowerState;

/**
 * Runs one projection: `start()` resumes from its stored position and follows the log until
 * `stop()`. Run one runner per projection and store; a second one is refused its first batch
 * (`IntegrityError`) and fails rather than apply anything twice.
 * @example
 * const runner = new ProjectionRunner(app, new TrickCounts());
 * await runner.start();
 * const [id] = await app.save(dog);
 * await runner.wait(id!); // the view now reflects the save
 */
export class ProjectionRunner extends LogFollower {
  readonly projection: Projection;
  readonly #app: Application;
  readonly #batchSize: number;
  /** Removes the projection's `forget` from the application (registered while the runner is open). */
  #stopForgetting: (() => void) | undefined;
  /** The projection's forget watermark, when it has a `forget` (projection-forgets.ts). */
  readonly #forgets: ProjectionForgets | undefined;
  /** Stops the wake-up check for forgets made elsewhere. */
  #stopWaking: (() => void) | undefined;

  constructor(app: Application, projection: Projection, options: ProjectionRunnerOptions = {}) {
    if (typeof projection?.process !== 'function' || typeof projection.name !== 'string' || projection.name === '') {
      throw new EventforgeError('a projection needs a non-empty name and a process(events, tx) method');
    }
    const name = projection.name;
    const forget = projection.scrubsOnForget === false ? undefined : projection.forget?.bind(projection);
    const forgets =
      forget === undefined
        ? undefined
        : new ProjectionForgets(app, { application: name, upstream: PROJECTION_UPSTREAM }, forget);
    super(
      app,
      app,
      {
        label: `projection ${name}`,
        application: name,
        upstream: PROJECTION_UPSTREAM,
        parkKey: name,
        topics: projection.topics,
        payloads: projection.payloads,
        onParked: projection.onParked ?? 'stop',
        movesTracking: true,
        commit: (recorder, events, { tracking, from, unpark, page }) => {
          const commit = () =>
            recorder.transaction(
              async (tx) => {
                await projection.process(events, tx);
                // After the events: what they wrote of a subject forgotten meanwhile is scrubbed before it commits.
                await forgets?.inBatch(tx, page);
              },
              {
                ...(tracking === undefined ? {} : { tracking, trackingFrom: from }),
                ...(unpark.length === 0 ? {} : { unpark }),
              },
            );
          if (forgets === undefined) return commit();
          return forgets.serial(async () => {
            await commit();
            await forgets.erase(recorder);
          });
        },
        failure: (event, attempts, cause) => new ProjectionError(name, event.id, event.topic, attempts, { cause }),
      },
      options,
    );
    this.#app = app;
    this.projection = projection;
    this.#batchSize = options.batchSize ?? 1000;
    this.#forgets = forgets;
  }

  /**
   * Rebuilds a stale read model (aside) first, then scrubs every subject forgotten since its
   * watermark (by any application or process, or `eventforge forget`) before it applies any
   * event, then reads the stored position as every follower does; from now until `stop`,
   * `app.forget` runs the projection's `forget` at once.
   */
  override async open(): Promise<void> {
    if (this.state === 'running') return;
    const recorder = await this.#app.recorder();
    const rebuildAside = this.projection.rebuildAside;
    if (rebuildAside !== undefined && (await this.projection.isStale?.(recorder)) === true) {
      await rebuildAside.call(this.projection, this.#app, { batchSize: this.#batchSize, stopLive: async () => {} });
    }
    const forgets = this.#forgets;
    await forgets?.open(recorder);
    await super.open();
    if (forgets !== undefined && this.#stopForgetting === undefined) {
      this.#stopForgetting = this.#app.onForgetting((_subject, recorder) => forgets.catchUp(recorder));
    }
  }

  /** Follows the log (see `LogFollower.start`), and looks for forgets made elsewhere every second. */
  override async start(): Promise<void> {
    if (this.state === 'running') return;
    await super.start();
    const forgets = this.#forgets;
    if (forgets !== undefined && this.#stopWaking === undefined) {
      const recorder = await this.#app.recorder();
      this.#stopWaking = every(WAKE_MS, () => (this.state === 'running' ? forgets.catchUp(recorder) : undefined));
    }
  }

  /** Scrubs forgets made elsewhere first, then processes the log up to its head (see `LogFollower.catchUp`). */
  override async catchUp(): Promise<number> {
    if (this.#forgets !== undefined && this.state === 'running')
      await this.#forgets.catchUp(await this.#app.recorder());
    return super.catchUp();
  }

  /** Stops following (see `LogFollower.stop`) and takes the projection's `forget` off the application. */
  override async stop(): Promise<void> {
    this.#stopForgetting?.();
    this.#stopForgetting = undefined;
    this.#stopWaking?.();
    this.#stopWaking = undefined;
    await super.stop();
    // A wake-up in flight finishes before the runner counts as stopped.
    await this.#forgets?.serial(async () => undefined);
  }

  /**
   * Empties the read model (`projection.reset`) and resets the position to the start of the log
   * in one transaction; a running runner is stopped first and restarted after. Readers see the
   * view empty and then fill up. A projection with `rebuildAside` (declarative views) is rebuilt
   * beside the live one instead and swapped in, so readers see the old rows until the swap.
   */
  async rebuild(): Promise<void> {
    const rebuildAside = this.projection.rebuildAside;
    if (rebuildAside !== undefined) {
      const running = this.state === 'running';
      await rebuildAside.call(this.projection, this.#app, { batchSize: this.#batchSize, stopLive: () => this.stop() });
      if (running) await this.start();
      return;
    }
    const reset = this.projection.reset;
    if (reset === undefined) {
      throw new EventforgeError(`projection ${this.projection.name} has no reset(tx) method, so it cannot be rebuilt`);
    }
    const wasRunning = this.state === 'running';
    await this.stop();
    const recorder = await this.#app.recorder();
    const name = this.projection.name;
    await recorder.transaction(async (tx) => {
      if (tx.provider === 'memory') {
        throw new EventforgeError(
          `projection ${name} cannot be rebuilt on the in-memory store (its tracking cannot be reset); ` +
            'start a new application instead: memory starts empty',
        );
      }
      await reset.call(this.projection, tx);
      // The replay reads forgotten subjects redacted: nothing forgotten so far needs scrubbing.
      const { head } = await tx.forgets.positions(name, PROJECTION_UPSTREAM);
      await tx.forgets.advance(name, PROJECTION_UPSTREAM, head);
      await tx.execute(
        tx.provider === 'sqlite'
          ? 'DELETE FROM tracking WHERE application = ? AND upstream = ?'
          : 'DELETE FROM tracking WHERE application = $1 AND upstream = $2',
        [name, PROJECTION_UPSTREAM],
      );
    });
    if (wasRunning) await this.start();
  }
}
