/**
 * Hand-built IR for emitter stage tests: no YAML, no compiler front half.
 */
import type {
  AggregateDef,
  ApplyDef,
  ConstraintsDef,
  DomainDef,
  EnumDef,
  EventDef,
  FieldDef,
  JsonValue,
  PayloadVersionDef,
  ScalarKind,
  SourceSpan,
  TypeRef,
  UpcastOpDef,
  ValueObjectDef,
  ViewDef,
} from '../../generator/ir/model.js';

export const span: SourceSpan = { file: 'test/kitchen.domain.yaml', line: 1, column: 1, offset: 0 };

export const scalar = (s: ScalarKind): TypeRef => ({ kind: 'scalar', scalar: s });
export const list = (element: TypeRef): TypeRef => ({ kind: 'list', element });
export const map = (value: TypeRef): TypeRef => ({ kind: 'map', value });
export const enumRef = (name: string): TypeRef => ({ kind: 'enum', name });
export const vo = (name: string): TypeRef => ({ kind: 'valueObject', name });

export function field(
  name: string,
  type: TypeRef,
  opts: {
    optional?: boolean;
    default?: JsonValue;
    constraints?: ConstraintsDef;
    description?: string;
    pii?: boolean;
  } = {},
): FieldDef {
  return {
    kind: 'field',
    name,
    type,
    optional: opts.optional ?? false,
    ...(opts.default === undefined ? {} : { default: opts.default }),
    constraints: opts.constraints ?? {},
    pii: opts.pii ?? false,
    ...(opts.description === undefined ? {} : { description: opts.description }),
    span,
  };
}

const byName = <T extends { name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.name < b.name ? -1 : 1));

export function enumDef(name: string, values: string[]): EnumDef {
  return { kind: 'enum', name, values, span };
}

export function valueObject(name: string, fields: FieldDef[], description?: string): ValueObjectDef {
  return {
    kind: 'valueObject',
    name,
    fields: byName(fields),
    ...(description === undefined ? {} : { description }),
    span,
  };
}

/** Versions from oldest to current; `ops[k]` is the upcast step k → k+1. */
export function versions(fieldsPerVersion: FieldDef[][], ops: UpcastOpDef[][] = []): PayloadVersionDef[] {
  return fieldsPerVersion.map((fields, i) => ({
    kind: 'payloadVersion',
    version: i + 1,
    fields: byName(fields),
    ...(i < fieldsPerVersion.length - 1
      ? { upcast: { kind: 'upcastStep', from: i + 1, to: i + 2, ops: ops[i] ?? [] } }
      : {}),
    span,
  }));
}

export function event(
  domain: string,
  aggregate: string,
  name: string,
  fieldsPerVersion: FieldDef[][],
  opts: { creates?: boolean; discards?: boolean; apply?: ApplyDef; description?: string; ops?: UpcastOpDef[][] } = {},
): EventDef {
  const vs = versions(fieldsPerVersion.length === 0 ? [[]] : fieldsPerVersion, opts.ops);
  return {
    kind: 'event',
    name,
    aggregate,
    topic: `${domain}.${aggregate}.${name}`,
    version: vs.length,
    fields: vs[vs.length - 1]?.fields ?? [],
    versions: vs,
    creates: opts.creates ?? false,
    discards: opts.discards ?? false,
    apply: opts.apply ?? { kind: 'none' },
    ...(opts.description === undefined ? {} : { description: opts.description }),
    span,
  };
}

export function aggregate(
  domain: string,
  name: string,
  stateVersions: FieldDef[][],
  events: EventDef[],
  opts: { snapshotEvery?: number; description?: string } = {},
): AggregateDef {
  const vs = versions(stateVersions);
  return {
    kind: 'aggregate',
    name,
    topic: `${domain}.${name}`,
    state: { kind: 'state', version: vs.length, fields: vs[vs.length - 1]?.fields ?? [], versions: vs, span },
    events: byName(events),
    ...(opts.snapshotEvery === undefined ? {} : { snapshot: { every: opts.snapshotEvery } }),
    ...(opts.description === undefined ? {} : { description: opts.description }),
    span,
  };
}

export function domain(
  name: string,
  parts: {
    enums?: EnumDef[];
    valueObjects?: ValueObjectDef[];
    aggregates: AggregateDef[];
    views?: ViewDef[];
    description?: string;
  },
): DomainDef {
  return {
    kind: 'domain',
    name,
    sourcePath: `test/${name}.domain.yaml`,
    enums: byName(parts.enums ?? []),
    valueObjects: byName(parts.valueObjects ?? []),
    aggregates: byName(parts.aggregates),
    views: byName(parts.views ?? []),
    ...(parts.description === undefined ? {} : { description: parts.description }),
    span,
  };
}
