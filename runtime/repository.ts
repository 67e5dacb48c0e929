import type { Aggregate, AggregateSnapshot } from './aggregate.js';
import type { AggregateClass, EventOf, StateOf } from './codec.js';
import { AggregateNotFoundError, EventforgeError } from './errors.js';
import type { DomainEvent } from './events.js';
import type { Mapper } from './mapper.js';
import type { Recorder } from './recorder.js';

/** What a repository needs of its application. */
export interface StoreAccess {
  /** Runs `work` on the opened store as one operation, which the application's `close()` waits for. */
  use<T>(work: (recorder: Recorder) => Promise<T>): Promise<T>;
  readonly mapper: Mapper;
}

/** Options of {@link Repository.get}. */
export interface GetOptions {
  /** The aggregate as it was at this version (inclusive); the latest when absent. */
  readonly version?: number;
}

/** Any aggregate class the runtime can load. */
export type AnyAggregate = Aggregate<unknown, DomainEvent>;

/**
 * Loads aggregates of one class from the store. Get one from `app.repository(Dog)`; it returns
 * instances of exactly that class, so a hand-written subclass's commands are available.
 */
export class Repository<A extends AnyAggregate> {
  readonly #cls: AggregateClass<A>;
  readonly #store: StoreAccess;

  /** @internal created by `Application.repository`. */
  constructor(cls: AggregateClass<A>, store: StoreAccess) {
    this.#cls = cls;
    this.#store = store;
  }

  /** The aggregate class this repository loads. */
  get aggregateClass(): AggregateClass<A> {
    return this.#cls;
  }

  /**
   * The aggregate with this id, rebuilt from its latest snapshot at or below the requested
   * version (if any) and the events after it. Throws `AggregateNotFoundError` when the stream
   * does not exist, holds another aggregate type, or the aggregate was discarded (at that version).
   */
  async get(id: string, options: GetOptions = {}): Promise<A> {
    return this.#store.use((recorder) => this.load(recorder, id, options));
  }

  /** @internal `get` on a recorder the caller holds open (the application's own operations). */
  async load(recorder: Recorder, id: string, options: GetOptions = {}): Promise<A> {
    const { version } = options;
    const name = this.#cls.descriptor.name;
    if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
      throw new EventforgeError(`${name} ${id}: version ${version} is not a positive integer`);
    }
    const mapper = this.#store.mapper;
    const topic = this.#cls.descriptor.topic;
    const aggregate = new this.#cls();

    const stored = await recorder.latestSnapshot(id, version);
    let after: number | undefined;
    if (stored !== undefined) {
      const { aggregate: type, snapshot } = await mapper.toAggregateSnapshotWithKeys(recorder, stored);
      if (type.topic !== topic) throw new AggregateNotFoundError(name, id, version);
      aggregate.restoreSnapshot(snapshot as AggregateSnapshot<StateOf<A>>);
      after = snapshot.version;
    }
    // Absent bounds are left out, not set to undefined (exactOptionalPropertyTypes in users' builds).
    // Plain payloads may come as text: the mapper parses them without a byte buffer per event.
    const range = {
      ...(after === undefined ? {} : { after }),
      ...(version === undefined ? {} : { upTo: version }),
      payloads: 'text' as const,
    };
    const records = await recorder.readStream(id, range);
    const mapped = await mapper.toDomainEvents(recorder, records);
    const events: EventOf<A>[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const { aggregate: type, event } = mapped[i]!;
      if (type.topic !== topic) throw new AggregateNotFoundError(name, id, version);
      events[i] = event as EventOf<A>;
    }
    aggregate.replay(events);
    if (aggregate.version === 0 || aggregate.isDiscarded) throw new AggregateNotFoundError(name, id, version);
    return aggregate;
  }

  /** Whether an aggregate of this class with this id exists and is not discarded. */
  async has(id: string): Promise<boolean> {
    try {
      await this.get(id);
      return true;
    } catch (error) {
      if (error instanceof AggregateNotFoundError) return false;
      throw error;
    }
  }
}
