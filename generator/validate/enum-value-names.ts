/**
 * EF201 for enum values that are not identifiers: they become TypeScript literal types and SQL
 * and Prisma enum values. Part of the shape check, beside the JSON Schema's name patterns (which
 * the editor shows too), so every EF201 is raised by one stage.
 */
import type { Diagnostic } from '../diagnostics.js';
import { errorAt, nodeAtPath, rangeOfNode, type SourceDoc } from '../load/source-doc.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkEnumValueNames(source: SourceDoc, data: unknown): Diagnostic[] {
  const types = isRecord(data) ? data['types'] : undefined;
  if (!isRecord(types)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const [name, decl] of Object.entries(types)) {
    const values = isRecord(decl) ? decl['enum'] : undefined;
    if (!Array.isArray(values)) continue;
    for (const [index, value] of values.entries()) {
      if (typeof value !== 'string' || value === '' || IDENTIFIER.test(value)) continue;
      const { node } = nodeAtPath(source.doc, ['types', name, 'enum', String(index)]);
      diagnostics.push(
        errorAt(
          source.file,
          rangeOfNode(source, node),
          'EF201',
          `value "${value}" of enum ${name} is not an identifier`,
          'enum values are letters, digits and `_`, starting with a letter or `_` (they become TypeScript literal types, SQL and Prisma enum values)',
        ),
      );
    }
  }
  return diagnostics;
}
