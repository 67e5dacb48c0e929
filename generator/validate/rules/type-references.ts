/**
 * EF400 malformed type expressions and EF200 names that resolve to no scalar, enum or value
 * object of the domain (with a did-you-mean).
 */
import type { Diagnostic } from '../../diagnostics.js';
import { didYouMean } from '../../did-you-mean.js';
import { SCALAR_KINDS } from '../../ir/model.js';
import { resolveFieldType } from '../../resolve/resolve-types.js';
import type { Located } from '../../load/raw-model.js';
import { errorAt, type SourceRange } from '../../load/source-doc.js';
import type { Rule } from './rule.js';
import { fieldLists } from './walk.js';

/** Names people reach for from other languages, and what this language calls them. */
const ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  number: 'float',
  double: 'float',
  long: 'bigint',
  text: 'string',
  str: 'string',
  bool: 'boolean',
  timestamp: 'datetime',
  instant: 'datetime',
  Date: 'date',
  DateTime: 'datetime',
  money: 'decimal',
  numeric: 'decimal',
  object: 'json',
  any: 'json',
  buffer: 'bytes',
  binary: 'bytes',
  guid: 'uuid',
};

export const typeReferences: Rule = ({ domain, table, brokenType }) => {
  const diagnostics: Diagnostic[] = [];
  const declared = [...SCALAR_KINDS, ...table.enums.keys(), ...table.valueObjects.keys()];
  const aggregates = new Set(domain.aggregates.map((a) => a.name.value));
  for (const list of fieldLists(domain)) {
    for (const field of list.fields) {
      const resolved = resolveFieldType(field, table);
      if (resolved.ok) continue;
      if (resolved.syntax !== undefined) {
        diagnostics.push(
          errorAt(
            domain.file,
            at(field.type, resolved.syntax.at),
            'EF400',
            `field "${field.name.value}" of ${list.label}: ${resolved.syntax.message}`,
            resolved.syntax.hint,
          ),
        );
        continue;
      }
      for (const name of resolved.unresolved) {
        if (brokenType(name.name)) continue;
        const alias =
          ALIASES[name.name] ?? (SCALAR_KINDS as readonly string[]).find((s) => s === name.name.toLowerCase());
        const hint = aggregates.has(name.name)
          ? `an aggregate is not a field type; refer to another aggregate by its id: \`${field.name.value}: uuid\``
          : alias !== undefined
            ? `did you mean "${alias}"?`
            : (didYouMean(name.name, declared) ??
              `declare it under \`types:\`, or use a scalar: ${SCALAR_KINDS.join(', ')}`);
        diagnostics.push(
          errorAt(
            domain.file,
            at(field.type, name.at, name.name.length),
            'EF200',
            `unknown type "${name.name}" in field "${field.name.value}" of ${list.label}`,
            hint,
          ),
        );
      }
    }
  }
  return diagnostics;
};

/** The range of a part of a type expression (inside the quotes when it is quoted). */
function at(type: Located<string>, offset: number, length = 1): SourceRange {
  const written = type.range.end.offset - type.range.start.offset;
  const shift = written > type.value.length ? 1 : 0;
  const start = type.range.start;
  const startOffset = start.offset + shift + offset;
  return {
    start: { line: start.line, column: start.column + shift + offset, offset: startOffset },
    end: { line: start.line, column: start.column + shift + offset + length, offset: startOffset + length },
  };
}
