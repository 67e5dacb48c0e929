/**
 * Process applications: applications that follow other applications' logs and react to their
 * events with a policy, saving the new events of their own aggregates together with the
 * tracking record of the upstream event (exactly once).
 */
import { Application, type EventMetadataSource } from '../application.js';
import type { AggregateClass } from '../codec.js';
import { AggregateNotFoundError, PolicyError, SystemError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { type FollowerOptions, LogFollower } from '../follower.js';
import { processedMetadata } from '../metadata.js';
import type { LoggedEvent } from '../notification-log.js';
import type { EventMetadata } from '../recorder.js';
import type { AnyAggregate } from '../repository.js';
import { handlersByTopic, type Policy, type PolicyHandler, type Processing } from './policy.js';

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
  follow(upstream: Application, options: FollowerOptions = {}): LogFollower {
    const name = this.name;
    const handled = this.topics;
    // No topics would read the whole log (an empty filter means all) to do nothing with it.
    if (handled.length === 0) {
      throw new SystemError(`${name}: its policy handles no event; add rules such as on(Dog, { TrickAdded: … })`);
    }
    const topics = topicsFrom(upstream, name, handled);
    return new LogFollower(
      upstream,
      this,
      {
        label: `process application ${name} (following ${upstream.name})`,
        application: name,
        upstream: upstream.name,
        parkKey: `${name}/${upstream.name}`,
        topics,
        onParked: this.onParked,
        movesTracking: false,
        commit: async (recorder, events, { tracking, unpark }) => {
          const processed = await this.#process(upstream, events);
          // Each event is stored with the metadata of the upstream event that caused it.
          await this.saveProcessed(tracking, processed.collected(), processed.metadataSource());
          // After the save: an unpark that fails leaves a processed event listed as parked, never the reverse.
          if (unpark.length > 0) await recorder.transaction(async () => undefined, { unpark });
        },
        failure: (event, attempts, cause) =>
          new PolicyError(name, upstream.name, event.id, event.topic, attempts, { cause }),
      },
      options,
    );
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
