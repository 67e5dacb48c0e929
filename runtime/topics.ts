import type { AggregateDescriptor, DomainDescriptor, EventDescriptor } from './codec.js';
import { ConfigurationError, EventforgeError, UnknownTopicError } from './errors.js';

/** What a stored event's topic resolves to. */
export interface EventTopic {
  readonly aggregate: AggregateDescriptor;
  readonly event: EventDescriptor;
}

/**
 * Every topic an application can read: the events and snapshots of the aggregates of its
 * domains. Built once; lookups are single map reads.
 */
export class TopicRegistry {
  readonly #events = new Map<string, EventTopic>();
  readonly #aggregates = new Map<string, AggregateDescriptor>();
  readonly #byName = new Map<string, AggregateDescriptor[]>();
  readonly #eventsByType = new WeakMap<AggregateDescriptor, Map<string, EventDescriptor>>();

  /** Registers every aggregate of the given domains; throws `ConfigurationError` on a topic declared twice. */
  constructor(domains: readonly DomainDescriptor[] = []) {
    for (const domain of domains) for (const aggregate of domain.aggregates) this.register(aggregate);
  }

  /** Adds an aggregate's topics; registering the same descriptor again is a no-op. */
  register(aggregate: AggregateDescriptor): void {
    const known = this.#aggregates.get(aggregate.topic);
    if (known === aggregate) return;
    if (known !== undefined) {
      throw new ConfigurationError(
        `two different aggregate descriptors use the topic ${aggregate.topic}; register each domain once`,
      );
    }
    // Check every topic before registering any, so a refused descriptor leaves no trace.
    for (const event of aggregate.events) {
      const clash = this.#events.get(event.topic);
      if (clash !== undefined) {
        throw new ConfigurationError(
          `event topic ${event.topic} is declared by both ${clash.aggregate.topic} and ${aggregate.topic}`,
        );
      }
    }
    const byType = new Map<string, EventDescriptor>();
    for (const event of aggregate.events) {
      this.#events.set(event.topic, { aggregate, event });
      byType.set(event.type, event);
    }
    this.#aggregates.set(aggregate.topic, aggregate);
    this.#eventsByType.set(aggregate, byType);
    const sameName = this.#byName.get(aggregate.name) ?? [];
    sameName.push(aggregate);
    this.#byName.set(aggregate.name, sameName);
  }

  /** The aggregate and event of a stored event's topic; `UnknownTopicError` when none. */
  event(topic: string, streamId?: string, streamVersion?: number): EventTopic {
    const found = this.#events.get(topic);
    if (found === undefined) throw new UnknownTopicError(topic, streamId, streamVersion);
    return found;
  }

  /** The aggregate whose snapshots carry this topic; `UnknownTopicError` when none. */
  snapshot(topic: string, streamId?: string, streamVersion?: number): AggregateDescriptor {
    const found = this.#aggregates.get(topic);
    if (found === undefined) throw new UnknownTopicError(topic, streamId, streamVersion);
    return found;
  }

  /** An event descriptor by its type name within a registered aggregate. */
  eventOfType(aggregate: AggregateDescriptor, type: string): EventDescriptor {
    this.register(aggregate);
    const found = this.#eventsByType.get(aggregate)?.get(type);
    if (found === undefined) {
      throw new EventforgeError(
        `${aggregate.topic} declares no event ${type}; known: ${aggregate.events.map((e) => e.type).join(', ')}`,
      );
    }
    return found;
  }

  /** Aggregates by name (`Dog`) or topic (`DogSchool.Dog`): how configuration names them. */
  aggregatesNamed(nameOrTopic: string): readonly AggregateDescriptor[] {
    const byTopic = this.#aggregates.get(nameOrTopic);
    if (byTopic !== undefined) return [byTopic];
    return this.#byName.get(nameOrTopic) ?? [];
  }

  /** Every registered aggregate. */
  aggregates(): readonly AggregateDescriptor[] {
    return [...this.#aggregates.values()];
  }
}
