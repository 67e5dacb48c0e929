/**
 * Facts about a domain that decide what several generated files hold, so the files that
 * declare a thing and the files that import or re-export it agree.
 */
import type { AggregateDef, DomainDef, EventDef } from '../../ir/model.js';

/** Whether the generated base class declares abstract handlers (so no ready concrete class). */
export function hasAbstractHandlers(aggregate: AggregateDef): boolean {
  return aggregate.events.some((e) => e.apply.kind === 'custom');
}

/** Events that get a validator: those with fields (an empty payload has nothing to check). */
export function validatedEvents(domain: DomainDef): EventDef[] {
  return domain.aggregates.flatMap((a) => a.events).filter((e) => e.fields.length > 0);
}
