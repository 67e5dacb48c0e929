/**
 * EF407 value objects that contain themselves, directly or through others. Every cycle is
 * refused, also through lists, maps and optional fields: generated codecs, validators, the
 * Prisma and SQL emitters and the docs expand value objects structurally, and a stored event
 * is a finite fact; a recursive structure is modelled with ids (`uuid`) or `json`.
 */
import type { Diagnostic } from '../../diagnostics.js';
import type { TypeRef } from '../../ir/model.js';
import { resolveFieldType } from '../../resolve/resolve-types.js';
import type { RawField, RawValueObject } from '../../load/raw-model.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const valueObjectCycles: Rule = ({ domain, table }) => {
  const diagnostics: Diagnostic[] = [];
  const edges = new Map<string, { to: string; field: RawField }[]>();
  for (const vo of table.valueObjects.values()) {
    edges.set(
      vo.name.value,
      vo.fields.flatMap((field) => {
        const resolved = resolveFieldType(field, table);
        return resolved.ok ? valueObjectsIn(resolved.type).map((to) => ({ to, field })) : [];
      }),
    );
  }
  // Report each cycle once, at the field of its alphabetically first value object that starts it.
  const reported = new Set<string>();
  for (const start of [...table.valueObjects.keys()].sort()) {
    const path = findCycle(start, edges);
    if (path === undefined) continue;
    const members = path.map((step) => step.from);
    const key = [...members].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    const first = path[0];
    if (first === undefined) continue;
    const chain = [...path.map((step) => `${step.from}.${step.field.name.value}`), start].join(' → ');
    const vo = table.valueObjects.get(start) as RawValueObject;
    diagnostics.push(
      errorAt(
        domain.file,
        first.field.name.range,
        'EF407',
        `value object ${vo.name.value} contains itself: ${chain}`,
        'value objects cannot be recursive; refer to the other entity by id (`uuid`), or store the nested structure as `json`',
      ),
    );
  }
  return diagnostics;
};

function valueObjectsIn(type: TypeRef): string[] {
  switch (type.kind) {
    case 'valueObject':
      return [type.name];
    case 'list':
      return valueObjectsIn(type.element);
    case 'map':
      return valueObjectsIn(type.value);
    default:
      return [];
  }
}

/** A path of fields from `start` back to `start`, or undefined (depth-first, fields in declaration order). */
function findCycle(
  start: string,
  edges: ReadonlyMap<string, readonly { to: string; field: RawField }[]>,
): { from: string; field: RawField }[] | undefined {
  const visited = new Set<string>();
  const path: { from: string; field: RawField }[] = [];
  const visit = (node: string): boolean => {
    for (const edge of edges.get(node) ?? []) {
      path.push({ from: node, field: edge.field });
      if (edge.to === start) return true;
      if (!visited.has(edge.to)) {
        visited.add(edge.to);
        if (visit(edge.to)) return true;
      }
      path.pop();
    }
    return false;
  };
  return visit(start) ? path : undefined;
}
