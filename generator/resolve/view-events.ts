/** The event a view's `on:` entry names (`Event` or `Aggregate.Event`). */
import type { Located, RawAggregate, RawDomain, RawEvent } from '../load/raw-model.js';

export interface ViewEvent {
  readonly aggregate: RawAggregate;
  readonly event: RawEvent;
}

/** The first event of the domain with that name (in that aggregate when qualified), or undefined. */
export function findViewEvent(raw: RawDomain, name: Located<string>): ViewEvent | undefined {
  const [first, second] = name.value.split('.');
  for (const aggregate of raw.aggregates) {
    if (second !== undefined && aggregate.name.value !== first) continue;
    const event = aggregate.events.find((e) => e.name.value === (second ?? first));
    if (event !== undefined) return { aggregate, event };
  }
  return undefined;
}
