/** Which field holds the subject of a payload's personal fields (docs/language.md, "Personal data"). */
import type { Located, RawAggregate, RawEvent } from './raw-model.js';

/**
 * The `subject:` that applies to an event: its own, else its aggregate's; undefined when the
 * event has no personal field (then no subject is needed) or none is declared (the aggregate id).
 */
export function eventSubject(event: RawEvent, aggregate: RawAggregate): Located<string> | undefined {
  if (!event.payload.fields.some((f) => f.pii)) return undefined;
  return event.subject ?? aggregate.subject;
}
