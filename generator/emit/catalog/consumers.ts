/**
 * Who reads an event besides its aggregate: views and process applications. The IR declares
 * neither yet, so every event has none; when it does, this is the one place that finds them,
 * and the event page's "Consumed by" section lists what it returns.
 */
import type { EventDef, ProjectDef } from '../../ir/model.js';

export interface Consumer {
  /** `view` or `process application`. */
  readonly kind: string;
  readonly name: string;
  /** A link relative to the event's page, when the consumer has a page of its own. */
  readonly href?: string;
}

export function consumersOf(_project: ProjectDef, _event: EventDef): Consumer[] {
  return [];
}
