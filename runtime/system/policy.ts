/**
 * Policies: how a process application reacts to upstream events. A policy is a list of rules,
 * one per upstream aggregate class, each a map from that aggregate's event types to handlers,
 * typed from the generated event union so a handler sees its own event's data.
 */
import type { AggregateDescriptor, AggregateClass, EventOf } from '../codec.js';
import { SystemError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import type { EventMetadata } from '../recorder.js';
import type { AnyAggregate } from '../repository.js';

/**
 * What a handler may do while it processes one upstream event: load its application's
 * aggregates (those already changed in the same batch come back as changed) and collect the
 * ones it changed or created, which are saved with the batch's tracking record.
 */
export interface Processing {
  /** The application the event came from. */
  readonly upstream: string;
  /** The upstream event's notification id. */
  readonly notificationId: bigint;
  /** `DogSchool.Dog.TrickAdded` */
  readonly topic: string;
  /** The event being processed, `DogSchool:3`: the cause of the events this handler triggers. */
  readonly causationId: string;
  /** The first cause of the chain the event belongs to (its own id when a command caused it). */
  readonly correlationId: string;
  /**
   * What the events this handler triggers are stored with: the upstream event's metadata (the
   * keys its save attached travel down the chain) with `causationId` and `correlationId` above.
   */
  readonly metadata: EventMetadata;
  /** The aggregate with this id (`AggregateNotFoundError` when there is none). */
  get<A extends AnyAggregate>(cls: AggregateClass<A>, id: string): Promise<A>;
  /** The aggregate with this id, or undefined when there is none. */
  find<A extends AnyAggregate>(cls: AggregateClass<A>, id: string): Promise<A | undefined>;
  /** Saves these aggregates' new events with the batch (atomically with its tracking record). */
  collect(...aggregates: AnyAggregate[]): void;
}

/** Handles one upstream event. */
export type PolicyHandler<E extends DomainEvent> = (event: E, processing: Processing) => void | Promise<void>;

/** Handlers for some of the aggregate's event types. */
export type EventHandlers<A extends AnyAggregate> = {
  readonly [K in EventOf<A>['type']]?: PolicyHandler<Extract<EventOf<A>, { readonly type: K }>>;
};

/** Handlers for every one of the aggregate's event types (tsc refuses a missing one). */
export type AllEventHandlers<A extends AnyAggregate> = {
  readonly [K in EventOf<A>['type']]-?: PolicyHandler<Extract<EventOf<A>, { readonly type: K }>>;
};

/** One rule of a policy: handlers for events of one upstream aggregate class. */
export interface PolicyRule {
  readonly aggregate: AggregateDescriptor;
  /** By event type (`TrickAdded`). */
  readonly handlers: Readonly<Record<string, PolicyHandler<DomainEvent>>>;
}

/** A process application's policy: its rules, in any order (a topic may appear in one rule only). */
export type Policy = readonly PolicyRule[];

/**
 * Reacts to some events of an upstream aggregate class; events without a handler are not read.
 * @example on(Dog, { TrickAdded: async (event, processing) => { … } })
 */
export function on<A extends AnyAggregate>(cls: AggregateClass<A>, handlers: EventHandlers<A>): PolicyRule {
  return rule(cls, handlers as unknown as Record<string, PolicyHandler<DomainEvent> | undefined>);
}

/** Like {@link on}, but tsc requires a handler for every event type of the aggregate. */
export function onEvery<A extends AnyAggregate>(cls: AggregateClass<A>, handlers: AllEventHandlers<A>): PolicyRule {
  return rule(cls, handlers as unknown as Record<string, PolicyHandler<DomainEvent> | undefined>);
}

function rule(
  cls: AggregateClass<AnyAggregate>,
  handlers: Readonly<Record<string, PolicyHandler<DomainEvent> | undefined>>,
): PolicyRule {
  const aggregate = (cls as { descriptor?: AggregateDescriptor }).descriptor;
  if (aggregate === undefined) {
    throw new SystemError(`policy: class ${cls.name} has no static descriptor; pass a generated aggregate class`);
  }
  const known = new Set(aggregate.events.map((e) => e.type));
  const chosen: Record<string, PolicyHandler<DomainEvent>> = {};
  for (const [type, handler] of Object.entries(handlers)) {
    if (!known.has(type)) {
      throw new SystemError(`policy: ${aggregate.name} has no event ${type}; its events are ${[...known].join(', ')}`);
    }
    if (typeof handler !== 'function')
      throw new SystemError(`policy: the handler of ${aggregate.name}.${type} is not a function`);
    chosen[type] = handler;
  }
  return { aggregate, handlers: chosen };
}

/** The policy's handlers by topic; refuses a topic handled by two rules. */
export function handlersByTopic(application: string, policy: Policy): Map<string, PolicyHandler<DomainEvent>> {
  const byTopic = new Map<string, PolicyHandler<DomainEvent>>();
  for (const { aggregate, handlers } of policy) {
    for (const event of aggregate.events) {
      const handler = handlers[event.type];
      if (handler === undefined) continue;
      if (byTopic.has(event.topic)) {
        throw new SystemError(
          `${application}: its policy handles ${event.topic} twice; keep one rule per aggregate class`,
        );
      }
      byTopic.set(event.topic, handler);
    }
  }
  return byTopic;
}
