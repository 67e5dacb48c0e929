/**
 * Process applications: applications that follow other applications' logs and react to their
 * events with a policy, saving the new events of their own aggregates together with the
 * tracking record of the upstream event (exactly once).
 */
import { Application, type EventMetadataSource } from '../application.js';
import type { AggregateClass } from '../codec.js';
import { AggregateNotFoundError, ConcurrencyError, PolicyError, SystemError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { type FollowerOptions, LogFollower } from '../follower.js';
import { processedMetadata } from '../metadata.js';
import type { LoggedEvent } from '../notification-log.js';
import type { EventMetadata, Tracking } from '../recorder.js';
import type { AnyAggregate } from '../repository.js';
import { checkPartitionCount, type Partition, partitionKey, partitionOf, startingPosition } from './partitions.js';
import { handlersByTopic, type Policy, type PolicyHandler, type Processing } from './policy.js';

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
    const handled = this.topics;
    // No topics would read the whole log (an empty filter means all) to do nothing with it.
    if (handled.length === 0) {
      throw new SystemError(`${name}: its policy handles no event; add rules such as on(Dog, { TrickAdded: … })`);
    }
    const topics = topicsFrom(upstream, name, handled);
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
      try {
        // Each event is stored with the metadata of the upstream event that caused it.
        await this.saveProcessed(tracking, processed.collected(), processed.metadataSource());
        return;
      } catch (error) {
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
      processing.at(logged, processedMetadata(upstream.name, logged.id, logged.metadata));
      await handler(logged.event, processing);
      processing.attribute();
    }
    return processing;
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
  metadata: EventMetadata = {};
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
    this.metadata = metadata;
    this.causationId = metadata.causationId!;
    this.correlationId = metadata.correlationId!;
  }

  /** Gives the events the handler just triggered the metadata of the event it processed. */
  attribute(): void {
    const metadata = this.metadata;
    for (const aggregate of this.#collected) {
      let list = this.#metadata.get(aggregate);
      if (list === undefined) this.#metadata.set(aggregate, (list = []));
      while (list.length < aggregate.pendingEvents.length) list.push(metadata);
    }
  }

  /** The metadata of each collected aggregate's pending events, by the event's index. */
  metadataSource(): EventMetadataSource {
    return (aggregate, i) => this.#metadata.get(aggregate)?.[i];
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

/**
 * Of the topics a policy handles, those `upstream` stores: all a follower reads of its log. A
 * leader that stores none of them is refused (the follower would wait for events that never
 * come); one whose topics are unknown (no domains given) is read for all the policy handles.
 */
function topicsFrom(upstream: Application, follower: string, handled: readonly string[]): string[] {
  const stored = new Set(upstream.eventTopics());
  if (stored.size === 0) return [...handled];
  const topics = handled.filter((topic) => stored.has(topic));
  if (topics.length === 0) {
    throw new SystemError(
      `${follower} follows ${upstream.name}, but its policy handles none of the events ${upstream.name} stores ` +
        `(it handles ${handled.join(', ')}); follow the application whose events the policy names, ` +
        `or add a rule for ${upstream.name}'s events`,
    );
  }
  return topics;
}
