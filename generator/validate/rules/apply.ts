/**
 * `apply` of every event (EF501–EF509, via resolveApply) and EF507: every required state field
 * without a default must get a value from each creation event whose apply is generated.
 */
import type { Diagnostic } from '../../diagnostics.js';
import { resolveApply, resolveFields } from '../../resolve/resolve-apply.js';
import { formatType } from '../../resolve/resolve-types.js';
import { needsValue } from '../../resolve/check-value.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const apply: Rule = ({ domain, table }) => {
  const diagnostics: Diagnostic[] = [];
  for (const aggregate of domain.aggregates) {
    const stateFields = resolveFields(aggregate.state.fields, table);
    // Unresolved types are reported by the type-references rule; judging apply without them would only add noise.
    if (stateFields.size !== aggregate.state.fields.length) continue;
    for (const event of aggregate.events) {
      const label = `${aggregate.name.value}.${event.name.value}`;
      const eventFields = resolveFields(event.payload.fields, table);
      if (eventFields.size !== event.payload.fields.length) continue;
      const resolved = resolveApply({ file: domain.file, eventLabel: label, event, eventFields, stateFields, table });
      diagnostics.push(...resolved.diagnostics);
      // An op refused above would only be reported again as a field left unset.
      if (resolved.diagnostics.some((d) => d.severity === 'error')) continue;
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
