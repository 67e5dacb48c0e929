/**
 * EF404 a `default` that is not a value of the field's type; EF405 a default of the right
 * type that breaks the field's own constraints. Constraints that are themselves wrong
 * (EF402/EF403) are reported by the constraints rule, so defaults are then checked by type only.
 */
import type { Diagnostic } from '../../diagnostics.js';
import { checkValue } from '../../resolve/check-value.js';
import { formatType, resolveFieldType } from '../../resolve/resolve-types.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';
import { fieldLists } from './walk.js';

export const defaults: Rule = ({ domain, table }) => {
  const diagnostics: Diagnostic[] = [];
  for (const list of fieldLists(domain)) {
    for (const field of list.fields) {
      if (field.default === undefined) continue;
      const resolved = resolveFieldType(field, table);
      if (!resolved.ok) continue;
      const where = `default of field "${field.name.value}" of ${list.label}`;
      if (field.default.value === null) {
        diagnostics.push(
          errorAt(
            domain.file,
            field.default.range,
            'EF404',
            `${where} is null`,
            resolved.optional
              ? 'an optional field is absent by default: remove `default`'
              : `write a value of type ${formatType(resolved.type)}, or make the field optional (\`${formatType(resolved.type)}?\`)`,
          ),
        );
        continue;
      }
      const problem = checkValue(field.default.value, resolved.type, field.constraints, table);
      if (problem === undefined) continue;
      const code = problem.kind === 'type' ? 'EF404' : 'EF405';
      const hint =
        problem.kind === 'type'
          ? (problem.hint ?? typeHint(formatType(resolved.type)))
          : 'change the default, or the constraint it breaks';
      diagnostics.push(
        errorAt(
          domain.file,
          field.default.range,
          code,
          `${where} does not fit ${formatType(resolved.type, resolved.optional)}: ${problem.message}`,
          hint,
        ),
      );
    }
  }
  return diagnostics;
};

function typeHint(type: string): string {
  switch (type) {
    case 'decimal':
      return 'write a decimal as a string to keep it exact, e.g. `default: "0.00"`';
    case 'bigint':
      return 'write a bigint as an integer, or as a string of digits, e.g. `default: "0"`';
    case 'date':
      return 'write a date as `YYYY-MM-DD`, quoted: `default: "2024-01-31"`';
    case 'datetime':
      return 'write an ISO 8601 timestamp with a zone, quoted: `default: "2024-01-31T00:00:00Z"`';
    default:
      return `write a value of type ${type}`;
  }
}
