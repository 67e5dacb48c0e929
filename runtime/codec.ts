import type { Aggregate } from './aggregate.js';
import type { DomainEvent } from './events.js';

/** What a payload looks like on the wire: plain JSON. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Converts one payload type (an event's data or an aggregate's state) between its typed form
 * and its JSON wire form. Generated per payload as straight-line code: no reflection.
 */
export interface PayloadCodec<T> {
  /** The current schema version: what `encode` writes. */
  readonly version: number;
  /** Typed value → wire form of the current version. */
  encode(value: T): JsonValue;
  /**
   * Wire form stored at `version` → typed value of the current version, through the upcaster
   * chain when `version` is older. Throws `DecodeError` for data that does not fit, and
   * `UnknownSchemaVersionError` for a version newer than the code knows.
   */
  decode(wire: unknown, version: number): T;
  /** The payload's personal fields, encrypted per subject when stored; absent when it has none. */
  readonly personal?: PersonalFields;
}

/** Which fields of a payload are personal data and whose (docs/personal-data.md). Generated. */
export interface PersonalFields {
  /** The field holding the subject (the person the data is about); the aggregate id when absent. */
  readonly subject?: string;
  /** In declaration order. */
  readonly fields: readonly PersonalField[];
}

/** One personal field of a payload (or of a value object, inside `inner`). */
export interface PersonalField {
  readonly name: string;
  /**
   * The field is not personal as a whole, but holds value objects — one, a list or a map of them
   * — with personal fields: each of those is encrypted on its own (with its dotted path, e.g.
   * `address.street`, as its name), and the rest of the value object stays readable.
   */
  readonly inner?: PersonalInner;
  /** The wire value it reads as once its subject is forgotten; the `Redacted` marker when absent. */
  readonly redacted?: JsonValue;
}

/** The personal fields of the value objects a field holds. Generated. */
export interface PersonalInner {
  readonly shape: 'one' | 'list' | 'map';
  readonly fields: readonly PersonalField[];
}

/** One event type of an aggregate. */
export interface EventDescriptor<TData = unknown> {
  /** `TrickAdded` */
  readonly type: string;
  /** `DogSchool.Dog.TrickAdded`: the stored name. */
  readonly topic: string;
  readonly codec: PayloadCodec<TData>;
}

/** What the runtime needs to know of one aggregate type. Generated; one per aggregate. */
export interface AggregateDescriptor<TState = unknown> {
  /** `Dog` */
  readonly name: string;
  /** `DogSchool.Dog`: the stored name of its snapshots. */
  readonly topic: string;
  /** Take a snapshot when a save crosses a multiple of this many events; undefined = never. */
  readonly snapshotEvery: number | undefined;
  readonly state: PayloadCodec<TState>;
  /** Sorted by type. */
  readonly events: readonly EventDescriptor[];
}

/** A generated domain: every aggregate type in one schema. */
export interface DomainDescriptor {
  readonly name: string;
  readonly aggregates: readonly AggregateDescriptor[];
}

/** The state type of an aggregate class. */
export type StateOf<A> = A extends Aggregate<infer S, DomainEvent> ? S : never;
/** The union of the event types of an aggregate class. */
export type EventOf<A> = A extends Aggregate<unknown, infer E> ? E : never;

/**
 * An aggregate class the runtime can instantiate: the generated base class, or a hand-written
 * subclass of it. The no-argument constructor is for the runtime; application code uses the
 * generated creation factories and the repository.
 */
export interface AggregateClass<A extends Aggregate<unknown, DomainEvent>> {
  new (): A;
  readonly descriptor: AggregateDescriptor<StateOf<A>>;
}
