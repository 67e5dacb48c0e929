import type { DomainEvent } from './events.js';
import type { AggregateDescriptor } from './codec.js';
import type { EventMetadata, Notification } from './recorder.js';
import type { StoreAccess } from './repository.js';
import { type LogBatch, Subscription, type SubscribeOptions } from './subscription.js';

/** A domain event read from the application's log, with its position. */
export interface LoggedEvent {
  /** The notification id: the event's global position in the log. */
  readonly id: bigint;
  /** `DogSchool.Dog.TrickAdded` */
  readonly topic: string;
  /** The aggregate type's name, e.g. `Dog`. */
  readonly aggregate: string;
  /** The decoded event, upcast to its current version. */
  readonly event: DomainEvent;
  /**
   * What was stored with it: `causationId` and `correlationId` when a process application saved
   * it, and the keys its save attached; empty when none.
   */
  readonly metadata: EventMetadata;
}

/** The metadata of an event stored without any: one frozen object shared by all of them. */
export const NO_METADATA: EventMetadata = Object.freeze({});

/** Narrows a selection of the log. */
export interface SelectOptions {
  /** Only these topics (e.g. `DogSchool.Dog.TrickAdded`); all when absent or empty. */
  readonly topics?: readonly string[];
  /** The last id to return (inclusive). */
  readonly stop?: bigint;
  /**
   * False: the payloads are not read, and each event's `data` throws (for readers of the
   * envelope alone: type, stream, version, timestamp).
   * @default true
   */
  readonly payloads?: boolean;
}

/**
 * The application's events in the order they were stored, decoded: what projections and
 * downstream applications read (pull-based notifications).
 */
export class NotificationLog {
  readonly #store: StoreAccess;

  /** @internal created by the application. */
  constructor(store: StoreAccess) {
    this.#store = store;
  }

  /**
   * At most `limit` events from id `start` (inclusive), oldest first. The third argument is a
   * topic filter, or `{ topics, stop }`.
   */
  async select(start: bigint, limit: number, filter?: readonly string[] | SelectOptions): Promise<LoggedEvent[]> {
    return (await this.page(start, limit, filter)).events;
  }

  /**
   * `select`, with how far it is complete: every matching event from `start` up to `upTo` is in
   * `events`, and no other will ever be stored there; continue from `upTo + 1` to skip nothing.
   * (On PostgreSQL, events of a save not yet followed by an earlier writer's commit are not
   * returned yet: docs/persistence.md, "Gap safety".)
   */
  async page(
    start: bigint,
    limit: number,
    filter?: readonly string[] | SelectOptions,
  ): Promise<LogBatch & { readonly events: LoggedEvent[] }> {
    const options: SelectOptions = filter === undefined ? {} : isTopicList(filter) ? { topics: filter } : filter;
    return this.#store.use(async (recorder) => {
      const { notifications, upTo } = await recorder.readLog({
        start,
        limit,
        ...(options.stop === undefined ? {} : { stop: options.stop }),
        ...(options.topics === undefined ? {} : { topics: options.topics }),
        payloads: options.payloads === false ? false : 'text',
      });
      const mapper = this.#store.mapper;
      if (options.payloads === false) return { events: mapper.lazyEvents(notifications, 'unread', logged), upTo };
      // The data keys of personal fields are read with the page (one query), then each event is decoded.
      const mapped = await mapper.toDomainEvents(recorder, notifications);
      return { events: notifications.map((n, i) => logged(n, mapped[i]!.aggregate, mapped[i]!.event)), upTo };
    });
  }

  /** A page for a subscription: payloads decoded on first use of `event.data`. */
  async #pageLazily(
    start: bigint,
    limit: number,
    topics: readonly string[] | undefined,
    payloads: boolean,
  ): Promise<LogBatch> {
    return this.#store.use(async (recorder) => {
      const { notifications, upTo } = await recorder.readLog({
        start,
        limit,
        ...(topics === undefined ? {} : { topics }),
        // The mapper opens the payloads: plain ones may come as text (no byte buffer per row).
        payloads: payloads ? 'text' : false,
      });
      const mapper = this.#store.mapper;
      if (!payloads) return { events: mapper.lazyEvents(notifications, 'unread', logged), upTo };
      // The keys are read now, while the store is in use; the payloads when first read.
      const keys = await mapper.preloadKeys(recorder, notifications);
      return { events: mapper.lazyEvents(notifications, keys, logged), upTo };
    });
  }

  /**
   * The id of the last event stored; 0n when the log is empty. On PostgreSQL, `page` may not
   * reach it yet while an earlier writer is in flight; `runner.wait(maxId)` waits for that.
   */
  async maxId(): Promise<bigint> {
    return this.#store.use((recorder) => recorder.maxNotificationId());
  }

  /**
   * The log after `after` (all of it by default) as an async iterator of events that, at the
   * head, waits for new events instead of ending; `return()` (leaving a `for await`) or the
   * AbortSignal ends it. Never skips or repeats an event. Each payload is decoded when its
   * `event.data` is first read (a `DecodeError` is thrown there), so readers of the envelope
   * alone (type, stream, version) pay nothing for payloads.
   * @example for await (const { id, event } of app.log.subscribe({ after: 0n })) { … }
   */
  subscribe(options: SubscribeOptions = {}): Subscription {
    return new Subscription(
      {
        read: (start, limit, topics, payloads) => this.#pageLazily(start, limit, topics, payloads),
        signal: (pollIntervalMs) =>
          this.#store.use((recorder) => recorder.logSignal(pollIntervalMs === undefined ? {} : { pollIntervalMs })),
      },
      options,
    );
  }

  /** Every event from `start` on, read in pages of `pageSize`. */
  async *readAll(start = 1n, pageSize = 500, topics?: readonly string[]): AsyncGenerator<LoggedEvent> {
    let next = start;
    for (;;) {
      const page = await this.select(next, pageSize, topics === undefined ? {} : { topics });
      for (const logged of page) yield logged;
      if (page.length < pageSize) return;
      next = page[page.length - 1]!.id + 1n;
    }
  }
}

function logged(n: Notification, aggregate: AggregateDescriptor, event: DomainEvent): LoggedEvent {
  return { id: n.id, topic: n.topic, aggregate: aggregate.name, event, metadata: n.metadata ?? NO_METADATA };
}

function isTopicList(filter: readonly string[] | SelectOptions): filter is readonly string[] {
  return Array.isArray(filter);
}
