/**
 * EF402 a constraint on a type it does not apply to, EF403 contradictory constraints
 * (min > max, minLength > maxLength), EF406 a `pattern` that is not a valid regular expression.
 */
import { Decimal } from 'decimal.js';
import type { Diagnostic } from '../../diagnostics.js';
import { compilePattern } from '../../resolve/check-value.js';
import type { TypeRef } from '../../ir/model.js';
import { formatType, isNumeric, resolveFieldType } from '../../resolve/resolve-types.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';
import { fieldLists } from './walk.js';

const isString = (type: TypeRef): boolean => type.kind === 'scalar' && type.scalar === 'string';
const isWhole = (type: TypeRef): boolean =>
  type.kind === 'scalar' && (type.scalar === 'int' || type.scalar === 'bigint');

export const constraints: Rule = ({ domain, table }) => {
  const diagnostics: Diagnostic[] = [];
  const file = domain.file;
  for (const list of fieldLists(domain)) {
    for (const field of list.fields) {
      const resolved = resolveFieldType(field, table);
      if (!resolved.ok) continue;
      const type = resolved.type;
      const c = field.constraints;
      // Message parts are built only for a field that has a problem (almost none do).
      let whereText: string | undefined;
      let typeText: string | undefined;
      const where = (): string => (whereText ??= `field "${field.name.value}" of ${list.label}`);
      const typeName = (): string => (typeText ??= formatType(type, resolved.optional));
      for (const key of ['minLength', 'maxLength'] as const) {
        const bound = c[key];
        if (bound !== undefined && !isString(type) && type.kind !== 'list') {
          diagnostics.push(
            errorAt(
              file,
              bound.range,
              'EF402',
              `\`${key}\` does not apply to ${where()}, which is ${typeName()}`,
              lengthHint(type),
            ),
          );
        }
      }
      if (c.pattern !== undefined) {
        if (!isString(type)) {
          diagnostics.push(
            errorAt(
              file,
              c.pattern.range,
              'EF402',
              `\`pattern\` does not apply to ${where()}, which is ${typeName()}`,
              'patterns apply to string fields only (uuid, date and datetime are already checked by format)',
            ),
          );
        } else if (compilePattern(c.pattern.value) === undefined) {
          diagnostics.push(
            errorAt(
              file,
              c.pattern.range,
              'EF406',
              `\`pattern\` of ${where()} is not a valid regular expression: ${regexError(c.pattern.value)}`,
              'write an ECMAScript regular expression (with the `u` flag); in YAML, quote it and double each backslash inside double quotes',
            ),
          );
        }
      }
      for (const key of ['min', 'max'] as const) {
        const bound = c[key];
        if (bound === undefined) continue;
        if (!isNumeric(type)) {
          diagnostics.push(
            errorAt(
              file,
              bound.range,
              'EF402',
              `\`${key}\` does not apply to ${where()}, which is ${typeName()}`,
              type.kind === 'list' || isString(type)
                ? `for a length, write \`${key}Length\``
                : 'min and max apply to int, float, decimal and bigint fields',
            ),
          );
        } else if (isWhole(type) && !Number.isInteger(Number(bound.value.text))) {
          diagnostics.push(
            errorAt(
              file,
              bound.range,
              'EF402',
              `\`${key}\` of ${where()} is ${bound.value.text}, but the field is ${typeName()}, a whole number`,
              `use a whole bound, e.g. ${key === 'min' ? Math.ceil(bound.value.number) : Math.floor(bound.value.number)}`,
            ),
          );
        }
      }
      if (
        c.min !== undefined &&
        c.max !== undefined &&
        isNumeric(type) &&
        new Decimal(c.min.value.text).greaterThan(new Decimal(c.max.value.text))
      ) {
        diagnostics.push(
          errorAt(
            file,
            c.max.range,
            'EF403',
            `${where()} has max ${c.max.value.text} below min ${c.min.value.text}: no value fits`,
            'swap the bounds, or fix the one that is wrong',
          ),
        );
      }
      if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength.value > c.maxLength.value) {
        diagnostics.push(
          errorAt(
            file,
            c.maxLength.range,
            'EF403',
            `${where()} has maxLength ${c.maxLength.value} below minLength ${c.minLength.value}: no value fits`,
            'swap the bounds, or fix the one that is wrong',
          ),
        );
      }
    }
  }
  return diagnostics;
};

function lengthHint(type: TypeRef): string {
  return isNumeric(type)
    ? 'for a numeric range, write `min` and `max`'
    : 'minLength and maxLength apply to strings and lists';
}

function regexError(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
    return 'it cannot be anchored as a whole-value match';
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}
