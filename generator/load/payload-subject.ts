/** Which field holds the subject of a payload's personal fields (docs/language.md, "Personal data"). */
import type { Located, RawAggregate, RawEvent, RawField } from './raw-model.js';

/**
 * The `subject:` that applies to an event: its own, else its aggregate's; undefined when the
 * event has no personal field (then no subject is needed) or none is declared (the aggregate id).
 * `personal` says whether a field holds personal data (by default: it is marked `pii`; with the
 * domain's types known, also when it holds value objects with personal fields).
 */
export function eventSubject(
  event: RawEvent,
  aggregate: RawAggregate,
  personal: (field: RawField) => boolean = (f) => f.pii,
): Located<string> | undefined {
  if (!event.payload.fields.some(personal)) return undefined;
  return event.subject ?? aggregate.subject;
}
