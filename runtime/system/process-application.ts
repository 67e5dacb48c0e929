/**
 * Process applications: applications that follow other applications' logs and react to their
 * events with a policy, saving the new events of their own aggregates together with the
 * tracking record of the upstream event (exactly once).
 */
import { Application } from '../application.js';
import type { AggregateClass } from '../codec.js';
import { AggregateNotFoundError, ConcurrencyError, IntegrityError, PolicyError, SystemError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { type FollowerOptions, LogFollower } from '../follower.js';
import type { LoggedEvent } from '../notification-log.js';
import type { Tracking } from '../recorder.js';
import type { AnyAggregate } from '../repository.js';
import { checkPartitionCount, type Partition, partitionKey, partitionOf, startingPosition } from './partitions.js';
import { type EventMetadata, handlersByTopic, type Policy, type PolicyHandler, type Processing } from './policy.js';

/** How many events' metadata a process application remembers (oldest forgotten first). */
const METADATA_KEPT = 100_000;

/** How often a batch refused for a concurrent change of its aggregates is processed again at once. */
const CONFLICT_RETRIES = 10;

/** Options of {@link ProcessApplication.follow}. */
export interface FollowOptions extends FollowerOptions {
  /** Follow only the upstream streams whose id hashes to this partition, with a tracking position of its own. */
  readonly partition?: Partition;
}

/**
 * An application that follows upstream applications (in a {@link System}) and reacts to their
 * events with its `policy`.
 * @example
 * class Counters extends ProcessApplication {
 *   constructor(options: ApplicationOptions = {}) { super({ ...options, domains: [countersDomain] }); }
 *   readonly policy = [on(Dog, { TrickAdded: (event, processing) => … })];
 * }
 */
export abstract class ProcessApplication extends Application {
  /** How it reacts to upstream events: rules made with `on` / `onEvery`. */
  abstract readonly policy: Policy;
  /**
   * What its runner does once an upstream event failed `maxAttempts` times and was parked:
   * `stop` (the position stays before it; the runner fails with `PolicyError`) or `continue`.
   */
  readonly onParked: 'stop' | 'continue' = 'stop';

  #handlers: Map<string, PolicyHandler<DomainEvent>> | undefined;
  /** By stream id and version. */
  readonly #metadata = new Map<string, EventMetadata>();

  /**
   * The correlation and causation of an event this application saved while processing, by its
   * stream id and version (`event.originatorId`, `event.originatorVersion`). Kept in memory, for
   * the last 100,000 events saved by this process: not stored with the events yet.
   */
  metadataOf(streamId: string, version: number): EventMetadata | undefined {
    return this.#metadata.get(metadataKey(streamId, version));
  }

  /** The upstream topics the policy handles: all it reads of its upstreams' logs. */
  get topics(): string[] {
    return [...this.#handlersByTopic().keys()];
  }

  /**
   * A runner that follows `upstream`'s log for this application: exactly-once batches, retries,
   * parking, `wait` (see `LogFollower`). A system's runner makes these; use one directly only
   * outside a system.
   */
  follow(upstream: Application, options: FollowOptions = {}): LogFollower {
    const name = this.name;
    const topics = this.topics;
    // No topics would read the whole log (an empty filter means all) to do nothing with it.
    if (topics.length === 0) {
      throw new SystemError(`${name}: its policy handles no event; add rules such as on(Dog, { TrickAdded: … })`);
    }
    const partition = options.partition;
    if (partition !== undefined) checkPartitionCount(name, partition.count);
    const key = partitionKey(upstream.name, partition);
    const ours =
      partition === undefined || partition.count === 1
        ? () => true
        : (event: LoggedEvent) => partitionOf(event.event.originatorId, partition.count) === partition.index;
    const label = `process application ${name} (following ${key})`;
    const app = this;
    return new (class extends LogFollower {
      /** Starts a new partitioning where the one before it stopped (see partitions.ts). */
      override async open(): Promise<void> {
        if (this.state !== 'running')
          await app.#seedTracking(label, upstream.name, partition ?? { index: 0, count: 1 });
        await super.open();
      }
    })(
      upstream,
      this,
      {
        label,
        application: name,
        upstream: key,
        parkKey: `${name}/${key}`,
        topics,
        onParked: this.onParked,
        movesTracking: false,
        commit: async (recorder, events, { tracking, unpark }) => {
          await this.#commitProcessed(upstream, events.filter(ours), tracking);
          // After the save: an unpark that fails leaves a processed event listed as parked, never the reverse.
          if (unpark.length > 0) await recorder.transaction(async () => undefined, { unpark });
        },
        failure: (event, attempts, cause) =>
          new PolicyError(name, upstream.name, event.id, event.topic, attempts, { cause }),
      },
      options,
    );
  }

  /**
   * Runs the policy and saves what it collected with the tracking record. A save refused because
   * another writer (a command, another partition) changed one of the aggregates meanwhile is
   * processed again from fresh loads at once, a few times, before it counts as a failed attempt.
   */
  async #commitProcessed(upstream: Application, events: readonly LoggedEvent[], tracking: Tracking | undefined) {
    for (let conflicts = 0; ; conflicts++) {
      const processed = await this.#process(upstream, events);
      const aggregates = processed.collected();
      // Noted before the save: a follower of this log may read the events before the save returns.
      const noted = this.#note(processed.metadata());
      try {
        if (tracking === undefined) await this.save(...aggregates);
        else await this.saveWithTracking(tracking, ...aggregates);
        return;
      } catch (error) {
        // These refusals stored nothing; after other failures the events may be stored.
        if (error instanceof ConcurrencyError || error instanceof IntegrityError) {
          for (const key of noted) this.#metadata.delete(key);
        }
        if (!(error instanceof ConcurrencyError) || conflicts >= CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (conflicts + 1)));
      }
    }
  }

  /**
   * Before a follower of `upstream` opens: when another partitioning of it is ahead of this
   * partition's stored position (a follower newly split, or joined again), stores the position
   * it reached as this partition's, or refuses when that partitioning was not drained.
   */
  async #seedTracking(label: string, upstream: string, partition: Partition): Promise<void> {
    const recorder = await this.recorder();
    const key = partitionKey(upstream, partition);
    const positions = new Map<string, bigint>();
    const rows = await recorder.transaction(async (tx) =>
      tx.provider === 'memory'
        ? []
        : tx.query<{ upstream: string; position: bigint | number | string }>(
            `SELECT upstream, max(notification_id) AS position FROM tracking WHERE application = ${
              tx.provider === 'sqlite' ? '?' : '$1'
            } GROUP BY upstream`,
            [this.name],
          ),
    );
    for (const row of rows) positions.set(row.upstream, BigInt(row.position));
    // The in-memory store cannot list its tracking rows: only the unpartitioned position counts.
    if (rows.length === 0 && key !== upstream)
      positions.set(upstream, await recorder.maxTrackingId(this.name, upstream));
    const start = startingPosition(label, upstream, partition, positions);
    if (start > (positions.get(key) ?? 0n)) {
      await recorder.transaction(async () => undefined, {
        tracking: { application: this.name, upstream: key, notificationId: start },
      });
    }
  }

  /** Runs the policy over the events; what it collected. */
  async #process(upstream: Application, events: readonly LoggedEvent[]): Promise<BatchProcessing> {
    const handlers = this.#handlersByTopic();
    const processing = new BatchProcessing(this, upstream.name);
    for (const logged of events) {
      const handler = handlers.get(logged.topic);
      if (handler === undefined) continue;
      const causationId = `${upstream.name}:${logged.id}`;
      const { originatorId, originatorVersion } = logged.event;
      const cause =
        upstream instanceof ProcessApplication ? upstream.metadataOf(originatorId, originatorVersion) : undefined;
      processing.at(logged, { causationId, correlationId: cause?.correlationId ?? causationId });
      await handler(logged.event, processing);
      processing.attribute();
    }
    return processing;
  }

  /** Remembers the metadata of events about to be saved; their keys. */
  #note(metadata: readonly [streamId: string, version: number, EventMetadata][]): string[] {
    const keys = metadata.map(([streamId, version, m]) => {
      const key = metadataKey(streamId, version);
      this.#metadata.set(key, m);
      return key;
    });
    for (const key of this.#metadata.keys()) {
      if (this.#metadata.size <= METADATA_KEPT) break;
      this.#metadata.delete(key);
    }
    return keys;
  }

  #handlersByTopic(): Map<string, PolicyHandler<DomainEvent>> {
    this.#handlers ??= handlersByTopic(this.name, this.policy);
    return this.#handlers;
  }
}

/** One batch's processing: aggregates are loaded once and shared by the batch's events. */
class BatchProcessing implements Processing {
  readonly upstream: string;
  notificationId = 0n;
  topic = '';
  causationId = '';
  correlationId = '';
  readonly #app: Application;
  readonly #loaded = new Map<string, AnyAggregate>();
  readonly #collected = new Set<AnyAggregate>();
  /** Per collected aggregate, the metadata of each of its pending events so far. */
  readonly #metadata = new Map<AnyAggregate, EventMetadata[]>();

  constructor(app: Application, upstream: string) {
    this.#app = app;
    this.upstream = upstream;
  }

  at(event: LoggedEvent, metadata: EventMetadata): void {
    this.notificationId = event.id;
    this.topic = event.topic;
    this.causationId = metadata.causationId;
    this.correlationId = metadata.correlationId;
  }

  /** Gives the events the handler just triggered the metadata of the event it processed. */
  attribute(): void {
    const metadata = { causationId: this.causationId, correlationId: this.correlationId };
    for (const aggregate of this.#collected) {
      let list = this.#metadata.get(aggregate);
      if (list === undefined) this.#metadata.set(aggregate, (list = []));
      while (list.length < aggregate.pendingEvents.length) list.push(metadata);
    }
  }

  /** The metadata of the collected aggregates' new events, by stream id and version. */
  metadata(): [streamId: string, version: number, EventMetadata][] {
    return this.collected().flatMap((aggregate) => {
      const metadata = this.#metadata.get(aggregate) ?? [];
      return aggregate.pendingEvents.map(
        (event, i) => [event.originatorId, event.originatorVersion, metadata[i]!] as [string, number, EventMetadata],
      );
    });
  }

  async get<A extends AnyAggregate>(cls: AggregateClass<A>, id: string): Promise<A> {
    const key = `${cls.descriptor.topic} ${id}`;
    const known = this.#loaded.get(key);
    if (known !== undefined) return known as A;
    const loaded = await this.#app.repository(cls).get(id);
    this.#loaded.set(key, loaded);
    return loaded;
  }

  async find<A extends AnyAggregate>(cls: AggregateClass<A>, id: string): Promise<A | undefined> {
    try {
      return await this.get(cls, id);
    } catch (error) {
      if (error instanceof AggregateNotFoundError) return undefined;
      throw error;
    }
  }

  collect(...aggregates: AnyAggregate[]): void {
    for (const aggregate of aggregates) {
      this.#collected.add(aggregate);
      const cls = aggregate.constructor as AggregateClass<AnyAggregate>;
      this.#loaded.set(`${cls.descriptor.topic} ${aggregate.id}`, aggregate);
    }
  }

  collected(): AnyAggregate[] {
    return [...this.#collected];
  }
}

function metadataKey(streamId: string, version: number): string {
  return `${streamId}\u0000${version}`;
}
