/** The IR's contract (generator/ir/model.ts) as checks, for tests: returns the violations found. */
import type { FieldDef, PayloadVersionDef, ProjectDef, TypeRef } from '../../generator/ir/model.js';

const sortedByName = (items: readonly { readonly name: string }[]): boolean =>
  items.every((item, i) => i === 0 || (items[i - 1]?.name ?? '') < item.name);

/** Declaration order: each field was declared after the one before it in the same file. */
const inDeclarationOrder = (fields: readonly FieldDef[]): boolean =>
  fields.every((f, i) => i === 0 || (fields[i - 1]?.span.offset ?? -1) < f.span.offset);

const unique = (fields: readonly FieldDef[]): boolean => new Set(fields.map((f) => f.name)).size === fields.length;

export function irViolations(project: ProjectDef): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  check(sortedByName(project.domains), 'domains sorted by name');
  for (const domain of project.domains) {
    const where = `domain ${domain.name}`;
    check(
      sortedByName(domain.enums) && sortedByName(domain.valueObjects) && sortedByName(domain.aggregates),
      `${where}: enums, value objects, aggregates sorted`,
    );
    const enums = new Set(domain.enums.map((e) => e.name));
    const valueObjects = new Set(domain.valueObjects.map((v) => v.name));
    const resolves = (type: TypeRef): boolean =>
      type.kind === 'enum'
        ? enums.has(type.name)
        : type.kind === 'valueObject'
          ? valueObjects.has(type.name)
          : type.kind === 'list'
            ? resolves(type.element)
            : type.kind === 'map'
              ? resolves(type.value)
              : true;
    const fieldsOk = (fields: readonly FieldDef[], what: string): void => {
      check(inDeclarationOrder(fields) && unique(fields), `${what}: fields in declaration order and unique`);
      for (const f of fields) check(resolves(f.type), `${what}.${f.name}: type resolves`);
    };
    const versionsOk = (
      versions: readonly PayloadVersionDef[],
      current: number,
      fields: readonly FieldDef[],
      what: string,
    ): void => {
      check(
        versions.map((v) => v.version).join() === Array.from({ length: current }, (_, i) => i + 1).join(),
        `${what}: versions 1..${current}`,
      );
      check(versions.at(-1)?.fields === fields, `${what}: last version holds the current fields`);
      versions.forEach((v, i) => {
        fieldsOk(v.fields, `${what} v${v.version}`);
        const last = i === versions.length - 1;
        check(
          last ? v.upcast === undefined : v.upcast?.from === v.version && v.upcast.to === v.version + 1,
          `${what} v${v.version}: upcast step`,
        );
      });
    };
    for (const vo of domain.valueObjects) fieldsOk(vo.fields, `${where} ${vo.name}`);
    for (const aggregate of domain.aggregates) {
      const a = `${where} ${aggregate.name}`;
      check(aggregate.topic === `${domain.name}.${aggregate.name}`, `${a}: topic`);
      check(sortedByName(aggregate.events), `${a}: events sorted`);
      check(
        aggregate.events.some((e) => e.creates),
        `${a}: a creation event`,
      );
      versionsOk(aggregate.state.versions, aggregate.state.version, aggregate.state.fields, `${a} state`);
      const state = new Map(aggregate.state.fields.map((f) => [f.name, f]));
      for (const event of aggregate.events) {
        const e = `${a}.${event.name}`;
        check(
          event.topic === `${domain.name}.${aggregate.name}.${event.name}` && event.aggregate === aggregate.name,
          `${e}: topic`,
        );
        versionsOk(event.versions, event.version, event.fields, e);
        if (event.apply.kind !== 'declarative') continue;
        const fields = new Set(event.fields.map((f) => f.name));
        for (const op of event.apply.ops) {
          check(state.has(op.stateField), `${e}: apply targets state field ${op.stateField}`);
          if ('source' in op && op.source.kind === 'eventField')
            check(fields.has(op.source.field), `${e}: apply reads event field ${op.source.field}`);
          if ('key' in op && op.key.eventField !== undefined)
            check(fields.has(op.key.eventField), `${e}: apply takes its key from event field ${op.key.eventField}`);
        }
      }
    }
  }
  return problems;
}
