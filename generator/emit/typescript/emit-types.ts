/**
 * `<domain>/types.ts`: enums, value objects, every version of every event and state payload,
 * trigger inputs, event types and each aggregate's event union. Types only, plus one readonly
 * runtime list per enum.
 */
import type {
  AggregateDef,
  DomainDef,
  EnumDef,
  EventDef,
  FieldDef,
  PayloadVersionDef,
  ProjectDef,
} from '../../ir/model.js';
import {
  domainFolder,
  eventDataTypeName,
  enumValuesName,
  eventInputTypeName,
  eventUnionName,
  stateTypeName,
  versionedTypeName,
} from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { fieldDocs } from './field-docs.js';
import { printSourceFile } from './print-structures.js';
import {
  StructureKind,
  VariableDeclarationKind,
  Writers,
  type ImportDeclarationStructure,
  type InterfaceDeclarationStructure,
  type PropertySignatureStructure,
  type StatementStructure,
  type TypeAliasDeclarationStructure,
  type WriterFunction,
} from './structures.js';
import { stateWithPersonalInflows } from './personal-code.js';
import { docs, quote } from './text.js';
import { fieldsNameScalar, payloadFieldType, readsAsRedacted, tsType } from './type-text.js';

/** Whether the event's input differs from its data (some field has a default). */
export function hasDefaults(event: EventDef): boolean {
  return event.fields.some((f) => f.default !== undefined && !f.optional);
}

type Statement = StatementStructure | WriterFunction;

/** `redactable`: a field of an event or a state (value objects' fields are never redacted on their own). */
function property(field: FieldDef, optional = field.optional, redactable = false): PropertySignatureStructure {
  return {
    name: field.name,
    type: redactable ? payloadFieldType(field) : tsType(field.type),
    isReadonly: true,
    hasQuestionToken: optional,
    docs: fieldDocs(field),
  };
}

function payloadInterface(
  name: string,
  fields: readonly FieldDef[],
  doc: string[],
  redactable = true,
): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    docs: doc,
    properties: fields.map((f) => property(f, f.optional, redactable)),
  };
}

function typeAlias(
  name: string,
  doc: string[],
  type: TypeAliasDeclarationStructure['type'],
): TypeAliasDeclarationStructure {
  return { kind: StructureKind.TypeAlias, name, isExported: true, docs: doc, type };
}

function enumStatements(e: EnumDef): Statement[] {
  return [
    (w) => w.blankLine(),
    typeAlias(e.name, docs(e.description), e.values.map(quote).join(' | ')),
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      isExported: true,
      docs: [`Every {@link ${e.name}} value, in declaration order.`],
      declarations: [
        {
          name: enumValuesName(e.name),
          type: `readonly ${e.name}[]`,
          initializer: `[${e.values.map(quote).join(', ')}]`,
        },
      ],
    },
  ];
}

function versionDoc(subject: string, v: PayloadVersionDef, current: number): string {
  return v.version === current
    ? `${subject}, schema version ${v.version} (current).`
    : `${subject}, schema version ${v.version}: stored data of this version is read and upcast, never written.`;
}

function eventStatements(event: EventDef): Statement[] {
  const data = eventDataTypeName(event.name);
  const input = eventInputTypeName(event.name);
  const out: Statement[] = event.versions.map((v) =>
    payloadInterface(
      versionedTypeName(event.name, v.version),
      v.fields,
      docs(versionDoc(`Payload of \`${event.topic}\``, v, event.version)),
    ),
  );
  out.push(
    typeAlias(
      data,
      docs(`Payload of \`${event.topic}\` in its current schema version.`),
      versionedTypeName(event.name, event.version),
    ),
  );
  // New data is never redacted: an input differs from the data when a field may read as Redacted.
  if (hasDefaults(event) || event.fields.some(readsAsRedacted)) {
    out.push({
      kind: StructureKind.Interface,
      name: input,
      isExported: true,
      docs: docs(
        hasDefaults(event)
          ? `What triggering \`${event.name}\` takes: fields with a default may be left out.`
          : `What triggering \`${event.name}\` takes.`,
      ),
      properties: event.fields.map((f) => property(f, f.optional || f.default !== undefined)),
    });
  } else {
    out.push(typeAlias(input, docs(`What triggering \`${event.name}\` takes.`), data));
  }
  out.push(
    typeAlias(
      event.name,
      docs(
        event.description,
        `Stored as \`${event.topic}\`${event.creates ? '; creates the aggregate' : ''}${event.discards ? '; discards the aggregate' : ''}.`,
      ),
      `DomainEvent<${quote(event.name)}, ${data}>`,
    ),
  );
  return out;
}

function aggregateStatements(aggregate: AggregateDef): Statement[] {
  const state = stateTypeName(aggregate.name);
  const out: Statement[] = stateWithPersonalInflows(aggregate).versions.map((v) =>
    payloadInterface(
      versionedTypeName(state, v.version),
      v.fields,
      docs(versionDoc(`State of ${aggregate.name}`, v, aggregate.state.version)),
    ),
  );
  out.push(
    typeAlias(
      state,
      docs(aggregate.description, `State of ${aggregate.name} (what snapshots of \`${aggregate.topic}\` hold).`),
      versionedTypeName(state, aggregate.state.version),
    ),
  );
  for (const event of aggregate.events) out.push(...eventStatements(event));
  out.push((w) => w.blankLine());
  out.push(
    typeAlias(
      eventUnionName(aggregate.name),
      docs(`Every event of ${aggregate.name}.`),
      Writers.unionType(...aggregate.events.map((e) => e.name)),
    ),
  );
  return out;
}

/** Every field of every version of an aggregate's state and events. */
function payloadFields(aggregate: AggregateDef): FieldDef[] {
  return [
    ...stateWithPersonalInflows(aggregate).versions.flatMap((v) => v.fields),
    ...aggregate.events.flatMap((e) => e.versions.flatMap((v) => v.fields)),
  ];
}

function allFields(domain: DomainDef): FieldDef[] {
  return [
    ...domain.valueObjects.flatMap((v) => v.fields),
    ...domain.aggregates.flatMap((a) => [
      ...a.state.versions.flatMap((v) => v.fields),
      ...a.events.flatMap((e) => e.versions.flatMap((v) => v.fields)),
    ]),
  ];
}

export function emitTypesFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const fields = allFields(domain);
  const runtimeTypes = ['DomainEvent'];
  if (fieldsNameScalar(fields, 'json')) runtimeTypes.push('JsonValue');
  if (fieldsNameScalar(fields, 'decimal')) runtimeTypes.push('Decimal');
  if (domain.aggregates.some((a) => payloadFields(a).some(readsAsRedacted))) runtimeTypes.push('Redacted');
  const imports: ImportDeclarationStructure[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: ctx.runtimeImport,
      isTypeOnly: true,
      namedImports: runtimeTypes,
    },
  ];
  const statements: Statement[] = [
    ...domain.enums.flatMap(enumStatements),
    ...domain.valueObjects.map((vo) => payloadInterface(vo.name, vo.fields, docs(vo.description), false)),
    ...domain.aggregates.flatMap(aggregateStatements),
  ];
  return {
    path: `${domainFolder(domain.name)}/types.ts`,
    contents: printSourceFile(domain.sourcePath, { imports, statements }),
  };
}

/** Emits `<domain>/types.ts` for every domain. */
export const typesEmitter: Emitter = {
  name: 'typescript-types',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitTypesFile(d, ctx)),
};
