/**
 * `<domain>/aggregates.ts`: per aggregate, the generated abstract base class (generation gap):
 * typed state getters, creation factories, protected trigger methods that validate, fill
 * defaults and queue the event, the declarative `mutate`, and an abstract handler per custom
 * apply. A base class without abstract handlers also gets a ready concrete class.
 */
import type { AggregateDef, DomainDef, EventDef, ProjectDef } from '../../ir/model.js';
import {
  aggregateBaseClassName,
  aggregateDescriptorName,
  codecName,
  creationFactoryName,
  domainFolder,
  eventDataTypeName,
  eventInputTypeName,
  eventUnionName,
  handlerMethodName,
  stateTypeName,
  triggerMethodName,
  validatorName,
} from '../../ir/naming.js';
import { internalImport, type EmitContext, type Emitter, type GeneratedFile } from '../types.js';
import type { ApplyNeeds } from './apply-code.js';
import { writeMutate } from './apply-code.js';
import { mutateInPlaceParameters, writeDraftOf, writeMutateInPlace } from './in-place-apply-code.js';
import { hasAbstractHandlers } from './domain-facts.js';
import { fieldDocs } from './field-docs.js';
import type { CodeWriter } from './code-writer.js';
import { printSourceFile } from './print-structures.js';
import {
  StructureKind,
  type ClassDeclarationStructure,
  type GetAccessorDeclarationStructure,
  type ImportDeclarationStructure,
  type MethodDeclarationStructure,
} from './structures.js';
import { docs, quote } from './text.js';
import type { DomainScope } from './type-text.js';
import { stateWithPersonalInflows } from './personal-code.js';
import { domainScope, literal, mentionedTypes, payloadFieldType, readsAsRedacted, tsType } from './type-text.js';

function factoryName(aggregate: AggregateDef, event: EventDef): string {
  return creationFactoryName(event.name, aggregate.events.filter((e) => e.creates).length === 1);
}

/** `a` or `an` before a name, by its first letter. */
function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

interface FileNeeds extends ApplyNeeds {
  newAggregateId: boolean;
  checkPayload: boolean;
  types: Set<string>;
  codecs: Set<string>;
  validators: Set<string>;
}

/** `const data: …Data = { … }` from `input`: defaults filled, absent optionals left out. */
function writeData(w: CodeWriter, event: EventDef, scope: DomainScope, needs: FileNeeds): void {
  const dataType = eventDataTypeName(event.name);
  needs.types.add(dataType);
  const required = event.fields.filter((f) => !f.optional);
  const optional = event.fields.filter((f) => f.optional);
  if (optional.length > 0) needs.mutable = true;
  const head = optional.length > 0 ? `const data: Mutable<${dataType}> =` : `const data: ${dataType} =`;
  if (required.length === 0) {
    w.writeLine(`${head} {};`);
  } else {
    w.writeLine(`${head} {`);
    w.indent(() => {
      for (const f of required) {
        const fill = f.default === undefined ? '' : ` ?? ${literal(f.type, f.default, scope, needs)}`;
        w.writeLine(`${f.name}: input.${f.name}${fill},`);
      }
    });
    w.writeLine('};');
  }
  for (const f of optional) w.writeLine(`if (input.${f.name} !== undefined) data.${f.name} = input.${f.name};`);
  needs.checkPayload = true;
  needs.codecs.add(codecName(event.name));
  needs.validators.add(validatorName(event.name));
  w.writeLine(
    `const encoded = checkPayload(${quote(event.topic)}, ${validatorName(event.name)}, ${codecName(event.name)}, data);`,
  );
}

function triggerMethod(event: EventDef, scope: DomainScope, needs: FileNeeds): MethodDeclarationStructure {
  const hasFields = event.fields.length > 0;
  needs.types.add(event.name);
  if (hasFields) needs.types.add(eventInputTypeName(event.name));
  return {
    name: triggerMethodName(event.name),
    scope: 'protected',
    docs: docs(
      event.description,
      `Triggers \`${event.name}\`: ${hasFields ? 'checks the payload (ValidationError listing every violation, nothing queued), ' : ''}applies it and queues it for the next save.`,
    ),
    parameters: hasFields ? [{ name: 'input', type: eventInputTypeName(event.name) }] : [],
    returnType: event.name,
    statements: (w) => {
      if (hasFields) writeData(w, event, scope, needs);
      w.writeLine(
        `return this.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data, { encoded }' : '{}'});`,
      );
    },
  };
}

function factoryMethod(
  aggregate: AggregateDef,
  event: EventDef,
  scope: DomainScope,
  needs: FileNeeds,
): MethodDeclarationStructure {
  const base = aggregateBaseClassName(aggregate.name);
  needs.newAggregateId = true;
  const hasFields = event.fields.length > 0;
  needs.types.add(event.name);
  if (hasFields) needs.types.add(eventInputTypeName(event.name));
  return {
    name: factoryName(aggregate, event),
    isStatic: true,
    docs: docs(
      event.description,
      `Creates ${article(aggregate.name)} ${aggregate.name} with its \`${event.name}\` event (checked against its constraints first). ` +
        'The id defaults to a random UUID, the timestamp to now.',
    ),
    typeParameters: [{ name: 'T', constraint: base }],
    parameters: [
      { name: 'this', type: 'new () => T' },
      ...(hasFields ? [{ name: 'input', type: eventInputTypeName(event.name) }] : []),
      { name: 'options', type: '{ readonly id?: string; readonly timestamp?: Date }', initializer: '{}' },
    ],
    returnType: 'T',
    statements: (w) => {
      if (hasFields) writeData(w, event, scope, needs);
      w.writeLine('const aggregate = new this();');
      w.writeLine(
        `aggregate.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data' : '{}'}, { ...options, id: options.id ?? newAggregateId()${hasFields ? ', encoded' : ''} });`,
      );
      w.writeLine('return aggregate;');
    },
  };
}

function handlerMethod(aggregate: AggregateDef, event: EventDef): MethodDeclarationStructure {
  const state = stateTypeName(aggregate.name);
  return {
    name: handlerMethodName(event.name),
    scope: 'protected',
    isAbstract: true,
    docs: docs(
      event.creates
        ? `The first state of a ${aggregate.name}, from its \`${event.name}\` event. Implement it in the hand-written subclass; keep it pure.`
        : `The state after \`${event.name}\`. Implement it in the hand-written subclass; return a new state, never change \`state\`.`,
    ),
    parameters: event.creates
      ? [{ name: 'event', type: event.name }]
      : [
          { name: 'state', type: state },
          { name: 'event', type: event.name },
        ],
    returnType: state,
  };
}

function aggregateClass(aggregate: AggregateDef, scope: DomainScope, needs: FileNeeds): ClassDeclarationStructure {
  const state = stateTypeName(aggregate.name);
  const union = eventUnionName(aggregate.name);
  needs.types.add(state).add(union);
  const discarding = aggregate.events.filter((e) => e.discards);
  const getAccessors: GetAccessorDeclarationStructure[] = [
    { name: 'aggregateName', scope: 'protected', returnType: 'string', statements: `return ${quote(aggregate.name)};` },
    ...stateWithPersonalInflows(aggregate).fields.map(
      (f): GetAccessorDeclarationStructure => ({
        name: f.name,
        docs: fieldDocs(f),
        returnType: f.optional ? `${payloadFieldType(f)} | undefined` : payloadFieldType(f),
        statements: `return this.state.${f.name};`,
      }),
    ),
  ];
  const methods: MethodDeclarationStructure[] = [
    ...aggregate.events.filter((e) => e.creates).map((e) => factoryMethod(aggregate, e, scope, needs)),
    ...aggregate.events.filter((e) => !e.creates).map((e) => triggerMethod(e, scope, needs)),
    {
      name: 'mutate',
      scope: 'protected',
      hasOverrideKeyword: true,
      parameters: [
        { name: 'state', type: `${state} | undefined` },
        { name: 'event', type: union },
      ],
      returnType: state,
      statements: (w) => writeMutate(w, aggregate, scope, needs),
    },
    {
      name: 'mutateInPlace',
      scope: 'protected',
      hasOverrideKeyword: true,
      parameters: [
        { name: mutateInPlaceParameters(aggregate).state, type: `${state} | undefined` },
        { name: 'event', type: union },
        { name: mutateInPlaceParameters(aggregate).owned, type: 'boolean' },
      ],
      returnType: `${state} | undefined`,
      statements: (w) => writeMutateInPlace(w, aggregate, scope, needs),
    },
    {
      name: 'draftOf',
      scope: 'protected',
      docs: docs(
        'A copy of `state` that `mutateInPlace` may change: its own object, and its own lists and maps where events change them in place.',
      ),
      parameters: [{ name: 'state', type: state }],
      returnType: state,
      statements: (w) => writeDraftOf(w, aggregate, needs),
    },
    {
      name: 'isDiscarding',
      scope: 'protected',
      hasOverrideKeyword: true,
      parameters: [{ name: discarding.length === 0 ? '_event' : 'event', type: union }],
      returnType: 'boolean',
      statements:
        discarding.length === 0
          ? 'return false;'
          : `return ${discarding.map((e) => `event.type === ${quote(e.name)}`).join(' || ')};`,
    },
    ...aggregate.events.filter((e) => e.apply.kind === 'custom').map((e) => handlerMethod(aggregate, e)),
  ];
  return {
    kind: StructureKind.Class,
    name: aggregateBaseClassName(aggregate.name),
    isExported: true,
    isAbstract: true,
    extends: `Aggregate<${state}, ${union}>`,
    docs: docs(
      aggregate.description,
      `Generated base class of ${aggregate.name}: extend it to add commands` +
        (hasAbstractHandlers(aggregate)
          ? ' and implement the abstract handlers.'
          : ` (or use the ready class \`${aggregate.name}\`).`),
    ),
    properties: [
      {
        name: 'descriptor',
        isStatic: true,
        isReadonly: true,
        type: `AggregateDescriptor<${state}>`,
        initializer: aggregateDescriptorName(aggregate.name),
      },
    ],
    getAccessors,
    methods,
  };
}

/**
 * The ready class: the base class with its trigger methods made public, so an aggregate whose
 * events all apply declaratively is usable without any hand-written subclass.
 */
function readyClass(aggregate: AggregateDef): ClassDeclarationStructure {
  const triggers = aggregate.events
    .filter((e) => !e.creates)
    .map((e): MethodDeclarationStructure => {
      const hasFields = e.fields.length > 0;
      return {
        name: triggerMethodName(e.name),
        hasOverrideKeyword: true,
        docs: docs(e.description, `Triggers \`${e.name}\` (public here: the ready class has no commands of its own).`),
        parameters: hasFields ? [{ name: 'input', type: eventInputTypeName(e.name) }] : [],
        returnType: e.name,
        statements: `return super.${triggerMethodName(e.name)}(${hasFields ? 'input' : ''});`,
      };
    });
  return {
    kind: StructureKind.Class,
    name: aggregate.name,
    isExported: true,
    extends: aggregateBaseClassName(aggregate.name),
    docs: docs(
      `${aggregate.name}, ready to use: every event applies declaratively, so no hand-written code is needed. ` +
        'Extend the base class instead to add commands and invariants.',
    ),
    methods: triggers,
  };
}

export function emitAggregatesFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const scope = domainScope(domain);
  const needs: FileNeeds = {
    decimal: false,
    decodeBase64: false,
    mutable: false,
    removeFirst: false,
    outOfOrder: false,
    newAggregateId: false,
    addDecimal: false,
    subtractDecimal: false,
    keyed: new Set(),
    inPlace: new Set(),
    checkPayload: false,
    types: new Set(),
    codecs: new Set(),
    validators: new Set(),
  };
  const classes: ClassDeclarationStructure[] = domain.aggregates.flatMap((a) => [
    aggregateClass(a, scope, needs),
    ...(hasAbstractHandlers(a) ? [] : [readyClass(a)]),
  ]);
  // Writer functions fill `needs` while the classes print: imports are computed afterwards.
  const imports = (): ImportDeclarationStructure[] => {
    const mentioned = new Set<string>();
    for (const a of domain.aggregates) for (const f of a.state.fields) mentionedTypes(f.type, mentioned);
    const decimalType = mentioned.delete('Decimal') && !needs.decimal;
    const jsonType = mentioned.delete('JsonValue');
    for (const name of mentioned) needs.types.add(name);
    const runtimeValues = ['Aggregate'];
    if (needs.newAggregateId) runtimeValues.push('newAggregateId');
    // decimal.js's Decimal, re-exported by the runtime: generated code needs no other package.
    if (needs.decimal) runtimeValues.push('Decimal');
    const helperValues: string[] = [];
    if (needs.checkPayload) helperValues.push('checkPayload');
    if (needs.removeFirst) helperValues.push('removeFirst');
    if (needs.outOfOrder) helperValues.push('outOfOrder');
    if (needs.decodeBase64) helperValues.push('decodeBase64');
    if (needs.addDecimal) helperValues.push('addDecimal');
    if (needs.subtractDecimal) helperValues.push('subtractDecimal');
    helperValues.push(...[...needs.keyed].sort(), ...[...needs.inPlace].sort());
    return [
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: ctx.runtimeImport, namedImports: runtimeValues },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: ctx.runtimeImport,
        isTypeOnly: true,
        namedImports: [
          'AggregateDescriptor',
          ...(jsonType ? ['JsonValue'] : []),
          ...(decimalType ? ['Decimal'] : []),
          ...(domain.aggregates.some((a) => stateWithPersonalInflows(a).fields.some(readsAsRedacted))
            ? ['Redacted']
            : []),
        ],
      },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: internalImport(ctx), namedImports: helperValues },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: internalImport(ctx),
        isTypeOnly: true,
        namedImports: needs.mutable ? ['Mutable'] : [],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: './descriptors.js',
        namedImports: domain.aggregates.map((a) => aggregateDescriptorName(a.name)),
      },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: './transcoders.js', namedImports: needs.codecs },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: './types.js',
        isTypeOnly: true,
        namedImports: needs.types,
      },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: './validators.js', namedImports: needs.validators },
    ];
  };
  return {
    path: `${domainFolder(domain.name)}/aggregates.ts`,
    contents: printSourceFile(domain.sourcePath, { imports, statements: classes }),
  };
}

/** Emits `<domain>/aggregates.ts` for every domain. */
export const aggregatesEmitter: Emitter = {
  name: 'typescript-aggregates',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitAggregatesFile(d, ctx)),
};
