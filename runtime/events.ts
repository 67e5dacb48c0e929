/**
 * A domain event as application code sees it: a typed, immutable fact about one aggregate.
 * Envelope fields are kept apart from the payload (`data`) so a payload field can never clash
 * with them.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  /** The event's name within its aggregate, e.g. `TrickAdded`. */
  readonly type: TType;
  /** The aggregate (stream) the event belongs to. */
  readonly originatorId: string;
  /** Position in the stream, from 1. */
  readonly originatorVersion: number;
  /** When the event was triggered (millisecond precision). */
  readonly timestamp: Date;
  /** The payload, always in the event's current schema version. */
  readonly data: TData;
}
