/**
 * EF507: every required state field without a default must get a value from each creation event
 * whose apply is generated. The apply itself was resolved, and its problems reported, by the
 * resolve stage.
 */
import type { Diagnostic } from '../../diagnostics.js';
import { resolveFields } from '../../resolve/apply-source.js';
import { applyOf } from '../../resolve/resolve-domain.js';
import { formatType } from '../../resolve/resolve-types.js';
import { needsValue } from '../../resolve/check-value.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const apply: Rule = ({ domain, table, resolved: resolvedDomain }) => {
  const diagnostics: Diagnostic[] = [];
  for (const aggregate of domain.aggregates) {
    // A state field of unknown type (reported by the type-references rule) is left out: it cannot be judged unset.
    const stateFields = resolveFields(aggregate.state.fields, table);
    for (const event of aggregate.events) {
      const label = `${aggregate.name.value}.${event.name.value}`;
      const resolved = applyOf(resolvedDomain, event);
      // A dropped op would only be reported again as a field left unset.
      if (!resolved.complete || resolved.diagnostics.some((d) => d.severity === 'error')) continue;
      if (event.creates?.value !== true || resolved.apply.kind === 'custom') continue;
      // A creation event with a generated apply builds the first state: nothing may be left unset.
      const set = new Set(
        resolved.apply.kind === 'declarative'
          ? resolved.apply.ops.filter((op) => op.kind === 'assign').map((op) => op.stateField)
          : [],
      );
      const unset = [...stateFields.values()].filter((f) => needsValue(f.raw, f.type, f.optional) && !set.has(f.name));
      if (unset.length === 0) continue;
      const names = unset.map((f) => `"${f.name}" (${formatType(f.type)})`).join(', ');
      const at = event.apply?.range ?? event.name.range;
      const them = unset.length > 1 ? 'them' : 'it';
      const why =
        event.apply === undefined
          ? `its fields are assigned to same-named state fields, and none sets ${them}`
          : event.apply.kind === 'none'
            ? 'its apply is `none`'
            : `its apply does not set ${them}`;
      diagnostics.push(
        errorAt(
          domain.file,
          at,
          'EF507',
          `creation event ${label} leaves required state field${unset.length > 1 ? 's' : ''} ${names} unset: ${why}`,
          `add the field${unset.length > 1 ? 's' : ''} to the event, \`assign\`/\`set\` ${unset.length > 1 ? 'them' : 'it'} in \`apply\`, give the state field${unset.length > 1 ? 's' : ''} a \`default\`, or use \`apply: custom\``,
        ),
      );
    }
  }
  return diagnostics;
};
