/**
 * EF500 an aggregate with no creation event; EF510 an event that both creates and discards
 * (an aggregate that is gone the moment it exists).
 */
import type { Diagnostic } from '../../diagnostics.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const lifecycle: Rule = ({ domain, lacksEvents }) => {
  const diagnostics: Diagnostic[] = [];
  for (const aggregate of domain.aggregates) {
    const creators = aggregate.events.filter((e) => e.creates?.value === true);
    if (creators.length === 0 && !lacksEvents(aggregate.name.value)) {
      const first = aggregate.events[0]?.name.value;
      diagnostics.push(
        errorAt(
          domain.file,
          aggregate.name.range,
          'EF500',
          `aggregate ${aggregate.name.value} has no creation event`,
          first === undefined
            ? 'add an event with `creates: true`'
            : `mark the event that starts its life with \`creates: true\` (e.g. ${first})`,
        ),
      );
    }
    for (const event of aggregate.events) {
      if (event.creates?.value === true && event.discards?.value === true && event.discards !== undefined) {
        diagnostics.push(
          errorAt(
            domain.file,
            event.discards.range,
            'EF510',
            `event ${aggregate.name.value}.${event.name.value} both creates and discards the aggregate`,
            'an aggregate is discarded by a later event; remove `discards: true` or `creates: true`',
          ),
        );
      }
    }
  }
  return diagnostics;
};
