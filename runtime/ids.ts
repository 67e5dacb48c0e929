/** Identifiers for new aggregates, so generated code needs no import besides the runtime. */
import { randomUUID } from 'node:crypto';

/** A new random (version 4) UUID: the default id of a created aggregate. */
export function newAggregateId(): string {
  return randomUUID();
}
