import { AggregateDiscardedError, EventforgeError } from './errors.js';
import type { JsonValue } from './codec.js';
import type { DomainEvent } from './events.js';

/** What a snapshot holds besides the state. */
export interface AggregateSnapshot<TState> {
  /** The aggregate (stream) id. */
  readonly id: string;
  /** The version of the last event the state includes. */
  readonly version: number;
  /** When the first event happened. */
  readonly createdOn: Date;
  /** When the last event happened. */
  readonly modifiedOn: Date;
  /** Whether a discarding event ended the aggregate. */
  readonly discarded: boolean;
  /** The state at `version` (immutable). */
  readonly state: TState;
}

/**
 * Base of every generated aggregate class.
 *
 * State is an immutable object replaced by each event (so a snapshot can hold it as is).
 * Generated subclasses implement `mutate` (declarative applies plus a dispatch to abstract
 * handlers) and `mutateInPlace` (the same applies on a draft, for loads) and expose typed
 * getters and creation factories; hand-written subclasses add commands that call the generated
 * protected trigger methods.
 */
export abstract class Aggregate<TState, TEvent extends DomainEvent> {
  #id: string | undefined;
  #version = 0;
  #createdOn: Date | undefined;
  #modifiedOn: Date | undefined;
  #discarded = false;
  #state: TState | undefined;
  #pending: TEvent[] = [];
  /** The wire form each pending event's payload was checked in, when it was (same order as #pending). */
  #pendingEncoded: (JsonValue | undefined)[] = [];

  /** The aggregate's type name, used in error messages. */
  protected abstract get aggregateName(): string;

  /**
   * Computes the state after `event`. `state` is undefined exactly when `event` creates the
   * aggregate. Generated: never hand-written.
   */
  protected abstract mutate(state: TState | undefined, event: TEvent): TState;

  /**
   * Applies `event` to `state` in place where the event's apply allows it, and returns the state
   * after it: `state` itself, changed, or for a creation event a new state. Returns undefined,
   * having changed nothing, when the event does not apply in place (a custom handler): then
   * `mutate` applies it. `owned` says whether `state` and its top-level lists and maps belong to
   * the replay alone; when not, an in-place apply works on `ownState(state)` instead. Generated;
   * this default applies nothing in place.
   */
  protected mutateInPlace(_state: TState | undefined, _event: TEvent, _owned: boolean): TState | undefined {
    return undefined;
  }

  /** Whether this event type ends the aggregate's life. Generated. */
  protected abstract isDiscarding(event: TEvent): boolean;

  /** The aggregate's id: the id of its stream. */
  get id(): string {
    if (this.#id === undefined) throw this.#uninitialised();
    return this.#id;
  }

  /** Number of events applied so far (the version of the last one). */
  get version(): number {
    return this.#version;
  }

  /** When the first event happened. */
  get createdOn(): Date {
    if (this.#createdOn === undefined) throw this.#uninitialised();
    return this.#createdOn;
  }

  /** When the last event happened. */
  get modifiedOn(): Date {
    if (this.#modifiedOn === undefined) throw this.#uninitialised();
    return this.#modifiedOn;
  }

  /** Whether a discarding event (`discards: true`) ended the aggregate: it accepts no more events. */
  get isDiscarded(): boolean {
    return this.#discarded;
  }

  /** Events triggered since the aggregate was loaded or last saved, oldest first. */
  get pendingEvents(): readonly TEvent[] {
    return this.#pending;
  }

  /** The current state (immutable). */
  protected get state(): TState {
    if (this.#state === undefined) throw this.#uninitialised();
    return this.#state;
  }

  /**
   * The wire forms the pending events' payloads were checked in (undefined where a payload was
   * not), in the order of `pendingEvents`.
   * @internal used by the application, which stores them instead of encoding the payloads again.
   */
  get pendingEncodings(): readonly (JsonValue | undefined)[] {
    return this.#pendingEncoded;
  }

  /**
   * Builds the next event, applies it and queues it for the next save. The generated
   * protected trigger methods call this after validating the payload, passing the wire form
   * they checked as `encoded` (it must be the payload's encoding by its codec).
   */
  protected triggerEvent<E extends TEvent>(
    type: E['type'],
    data: E['data'],
    options: { id?: string; timestamp?: Date; encoded?: JsonValue } = {},
  ): E {
    if (this.#discarded) throw new AggregateDiscardedError(this.aggregateName, this.id);
    const originatorId = this.#id ?? options.id;
    if (originatorId === undefined) {
      throw new EventforgeError(
        `${this.aggregateName}: the first event needs an aggregate id; create the aggregate with its generated creation factory`,
      );
    }
    const event = {
      type,
      originatorId,
      originatorVersion: this.#version + 1,
      timestamp: options.timestamp ?? new Date(),
      data,
    } as E;
    this.applyEvent(event);
    this.#pending.push(event);
    this.#pendingEncoded.push(options.encoded);
    return event;
  }

  /**
   * Applies a stored or new event. Refuses an event out of sequence, so a replay can never
   * silently skip or repeat one.
   * @internal used by the repository and by `triggerEvent`.
   */
  applyEvent(event: TEvent): void {
    this.#checkSequence(event);
    this.#advance(event, this.mutate(this.#state, event));
  }

  /** Refuses an event that is not the next of this aggregate's stream. */
  #checkSequence(event: TEvent): void {
    if (event.originatorVersion !== this.#version + 1) {
      throw new EventforgeError(
        `${this.aggregateName} ${event.originatorId}: event version ${event.originatorVersion} ` +
          `does not follow version ${this.#version}: events apply in stream order, each once (load aggregates through a repository)`,
      );
    }
    if (this.#id !== undefined && event.originatorId !== this.#id) {
      throw new EventforgeError(
        `${this.aggregateName} ${this.#id}: an event of stream ${event.originatorId} cannot apply here; each aggregate applies only its own stream's events`,
      );
    }
  }

  /** Records `event` as applied, `state` being the state after it. */
  #advance(event: TEvent, state: TState): void {
    this.#state = state;
    this.#id = event.originatorId;
    this.#version = event.originatorVersion;
    this.#createdOn ??= event.timestamp;
    this.#modifiedOn = event.timestamp;
    if (this.isDiscarding(event)) this.#discarded = true;
  }

  /**
   * Applies stored events in order, as `applyEvent` does one by one, but to one draft state
   * changed in place (`mutateInPlace`) instead of a new state per event. The draft starts as a
   * copy of the current state, made when the first event applies in place, and is never seen
   * outside the replay until it ends; afterwards the state is as immutable as any other (commands
   * replace it). An event that does not apply in place (a custom handler) goes through `mutate`,
   * and the next in-place event copies its result first.
   * @internal used by the repository.
   */
  replay(events: readonly TEvent[]): void {
    let state = this.#state;
    let owned = false;
    for (const event of events) {
      this.#checkSequence(event);
      const next = this.mutateInPlace(state, event, owned);
      if (next === undefined) {
        state = this.mutate(state, event);
        owned = false;
      } else {
        state = next;
        owned = true;
      }
      this.#advance(event, state);
    }
  }

  /**
   * Restores the aggregate from a snapshot.
   * @internal used by the repository.
   */
  restoreSnapshot(snapshot: AggregateSnapshot<TState>): void {
    this.#id = snapshot.id;
    this.#version = snapshot.version;
    this.#createdOn = snapshot.createdOn;
    this.#modifiedOn = snapshot.modifiedOn;
    this.#discarded = snapshot.discarded;
    this.#state = snapshot.state;
  }

  /**
   * The aggregate as a snapshot.
   * @internal used by the application.
   */
  takeSnapshot(): AggregateSnapshot<TState> {
    return {
      id: this.id,
      version: this.#version,
      createdOn: this.createdOn,
      modifiedOn: this.modifiedOn,
      discarded: this.#discarded,
      state: this.state,
    };
  }

  /**
   * Returns the pending events and forgets them. Call only after they were stored.
   * @internal used by the application after a successful save.
   */
  collectEvents(): TEvent[] {
    const events = this.#pending;
    this.#pending = [];
    this.#pendingEncoded = [];
    return events;
  }

  #uninitialised(): EventforgeError {
    return new EventforgeError(
      `${this.aggregateName} has no events yet: create it with its creation factory or load it from a repository`,
    );
  }
}
