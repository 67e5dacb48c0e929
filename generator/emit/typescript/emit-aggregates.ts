/**
 * `<domain>/aggregates.ts`: per aggregate, the generated abstract base class (generation gap):
 * typed state getters, creation factories, protected trigger methods that validate, fill
 * defaults and queue the event, the declarative `mutate`, and an abstract handler per custom
 * apply. A base class without abstract handlers also gets a ready concrete class.
 */
import { Scope, StructureKind } from 'ts-morph';
import type { ClassDeclarationStructure, CodeBlockWriter, MethodDeclarationStructure } from 'ts-morph';
import type { AggregateDef, DomainDef, EventDef, ProjectDef } from '../../ir/model.js';
import {
  aggregateBaseClassName,
  aggregateDescriptorName,
  codecName,
  domainFolder,
  eventDataTypeName,
  eventUnionName,
  handlerMethodName,
  stateTypeName,
  triggerMethodName,
} from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import type { ApplyNeeds } from './apply-code.js';
import { writeMutate } from './apply-code.js';
import { eventInputTypeName } from './emit-types.js';
import { validatorName } from './emit-validators.js';
import { docs, importNames, present, printFile, quote } from './print.js';
import type { Statement } from './print.js';
import type { DomainScope } from './type-text.js';
import { domainScope, literal, mentionedTypes, tsType } from './type-text.js';

/** Static factory of a creation event: `create` when it is the only one, else `createFromOpened`. */
export function creationFactoryName(aggregate: AggregateDef, event: EventDef): string {
  return aggregate.events.filter((e) => e.creates).length === 1 ? 'create' : `createFrom${event.name}`;
}

/** Whether the generated base class declares abstract handlers (so no ready concrete class). */
export function hasAbstractHandlers(aggregate: AggregateDef): boolean {
  return aggregate.events.some((e) => e.apply.kind === 'custom');
}

interface FileNeeds extends ApplyNeeds {
  randomUUID: boolean;
  assertValid: boolean;
  types: Set<string>;
  codecs: Set<string>;
  validators: Set<string>;
}

/** `const data: …Data = { … }` from `input`: defaults filled, absent optionals left out. */
function writeData(w: CodeBlockWriter, event: EventDef, scope: DomainScope, needs: FileNeeds): void {
  const dataType = eventDataTypeName(event.name);
  needs.types.add(dataType);
  const required = event.fields.filter((f) => !f.optional);
  const optional = event.fields.filter((f) => f.optional);
  if (optional.length > 0) needs.mutable = true;
  w.writeLine(optional.length > 0 ? `const data: Mutable<${dataType}> = {` : `const data: ${dataType} = {`);
  w.indent(() => {
    for (const f of required) {
      const fill = f.default === undefined ? '' : ` ?? ${literal(f.type, f.default, scope, needs)}`;
      w.writeLine(`${f.name}: input.${f.name}${fill},`);
    }
  });
  w.writeLine('};');
  for (const f of optional) w.writeLine(`if (input.${f.name} !== undefined) data.${f.name} = input.${f.name};`);
  needs.assertValid = true;
  needs.codecs.add(codecName(event.name));
  needs.validators.add(validatorName(event.name));
  w.writeLine(`assertValid(${quote(event.topic)}, ${validatorName(event.name)}, ${codecName(event.name)}.encode(data));`);
}

function triggerMethod(event: EventDef, scope: DomainScope, needs: FileNeeds): MethodDeclarationStructure {
  needs.types.add(event.name).add(eventInputTypeName(event.name));
  const hasFields = event.fields.length > 0;
  return {
    kind: StructureKind.Method,
    name: triggerMethodName(event.name),
    scope: Scope.Protected,
    docs: docs(
      `Triggers \`${event.name}\`: ${hasFields ? 'checks the payload (ValidationError listing every violation, nothing queued), ' : ''}applies it and queues it for the next save.`,
    ),
    parameters: hasFields ? [{ name: 'input', type: eventInputTypeName(event.name) }] : [],
    returnType: event.name,
    statements: (w) => {
      if (hasFields) writeData(w, event, scope, needs);
      w.writeLine(`return this.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data' : '{}'});`);
    },
  };
}

function factoryMethod(aggregate: AggregateDef, event: EventDef, scope: DomainScope, needs: FileNeeds): MethodDeclarationStructure {
  const base = aggregateBaseClassName(aggregate.name);
  needs.types.add(event.name).add(eventInputTypeName(event.name));
  needs.randomUUID = true;
  const hasFields = event.fields.length > 0;
  return {
    kind: StructureKind.Method,
    name: creationFactoryName(aggregate, event),
    isStatic: true,
    docs: docs(
      `Creates a ${aggregate.name} with a \`${event.name}\` event (checked against its constraints first). ` +
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
        `aggregate.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data' : '{}'}, { id: options.id ?? randomUUID(), timestamp: options.timestamp });`,
      );
      w.writeLine('return aggregate;');
    },
  };
}

function handlerMethod(aggregate: AggregateDef, event: EventDef): MethodDeclarationStructure {
  const state = stateTypeName(aggregate.name);
  return {
    kind: StructureKind.Method,
    name: handlerMethodName(event.name),
    scope: Scope.Protected,
    isAbstract: true,
    docs: docs(
      event.creates
        ? `The first state of a ${aggregate.name}, from its \`${event.name}\` event. Implement it in the hand-written subclass; keep it pure.`
        : `The state after \`${event.name}\`. Implement it in the hand-written subclass; return a new state, never change \`state\`.`,
    ),
    parameters: event.creates ? [{ name: 'event', type: event.name }] : [{ name: 'state', type: state }, { name: 'event', type: event.name }],
    returnType: state,
  };
}

function aggregateClass(aggregate: AggregateDef, scope: DomainScope, needs: FileNeeds): ClassDeclarationStructure {
  const state = stateTypeName(aggregate.name);
  const union = eventUnionName(aggregate.name);
  needs.types.add(state).add(union);
  const discarding = aggregate.events.filter((e) => e.discards);
  return {
    kind: StructureKind.Class,
    name: aggregateBaseClassName(aggregate.name),
    isExported: true,
    isAbstract: true,
    extends: `Aggregate<${state}, ${union}>`,
    docs: docs(
      aggregate.description,
      `Generated base class of ${aggregate.name}: extend it to add commands` +
        (hasAbstractHandlers(aggregate) ? ' and implement the abstract handlers.' : ` (or use the ready class \`${aggregate.name}\`).`),
    ),
    properties: [
      { name: 'descriptor', isStatic: true, isReadonly: true, type: `AggregateDescriptor<${state}>`, initializer: aggregateDescriptorName(aggregate.name) },
    ],
    getAccessors: [
      {
        name: 'aggregateName',
        scope: Scope.Protected,
        returnType: 'string',
        statements: `return ${quote(aggregate.name)};`,
      },
      ...aggregate.state.fields.map((f) => ({
        name: f.name,
        docs: docs(f.description),
        returnType: f.optional ? `${tsType(f.type)} | undefined` : tsType(f.type),
        statements: `return this.state.${f.name};`,
      })),
    ],
    methods: [
      ...aggregate.events.filter((e) => e.creates).map((e) => factoryMethod(aggregate, e, scope, needs)),
      ...aggregate.events.filter((e) => !e.creates).map((e) => triggerMethod(e, scope, needs)),
      {
        name: 'mutate',
        scope: Scope.Protected,
        hasOverrideKeyword: true,
        parameters: [{ name: 'state', type: `${state} | undefined` }, { name: 'event', type: union }],
        returnType: state,
        statements: (w) => writeMutate(w, aggregate, scope, needs),
      },
      {
        name: 'isDiscarding',
        scope: Scope.Protected,
        hasOverrideKeyword: true,
        parameters: [{ name: discarding.length === 0 ? '_event' : 'event', type: union }],
        returnType: 'boolean',
        statements:
          discarding.length === 0 ? 'return false;' : `return ${discarding.map((e) => `event.type === ${quote(e.name)}`).join(' || ')};`,
      },
      ...aggregate.events.filter((e) => e.apply.kind === 'custom').map((e) => handlerMethod(aggregate, e)),
    ],
  };
}

function readyClass(aggregate: AggregateDef): ClassDeclarationStructure {
  return {
    kind: StructureKind.Class,
    name: aggregate.name,
    isExported: true,
    extends: aggregateBaseClassName(aggregate.name),
    docs: docs(`${aggregate.name}, ready to use: every event has a declarative apply, so no hand-written code is needed.`),
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
    randomUUID: false,
    assertValid: false,
    types: new Set(),
    codecs: new Set(),
    validators: new Set(),
  };
  const classes: Statement[] = domain.aggregates.flatMap((a) => [
    aggregateClass(a, scope, needs),
    ...(hasAbstractHandlers(a) ? [] : [readyClass(a)]),
  ]);
  // Writer functions fill `needs` while the classes print: imports are computed afterwards.
  const imports = (): Statement[] => {
    const mentioned = new Set<string>();
    for (const a of domain.aggregates) for (const f of a.state.fields) mentionedTypes(f.type, mentioned);
    const decimalType = mentioned.delete('Decimal') && !needs.decimal;
    const jsonType = mentioned.delete('JsonValue');
    for (const name of mentioned) needs.types.add(name);
    const runtimeValues = ['Aggregate'];
    if (needs.assertValid) runtimeValues.push('assertValid');
    if (needs.removeFirst) runtimeValues.push('removeFirst');
    if (needs.outOfOrder) runtimeValues.push('outOfOrder');
    if (needs.decodeBase64) runtimeValues.push('decodeBase64');
    return present([
      needs.randomUUID ? importNames('node:crypto', ['randomUUID']) : undefined,
      needs.decimal ? importNames('decimal.js', ['Decimal']) : undefined,
      decimalType ? importNames('decimal.js', ['Decimal'], true) : undefined,
      importNames(ctx.runtimeImport, runtimeValues),
      importNames(ctx.runtimeImport, ['AggregateDescriptor', ...(needs.mutable ? ['Mutable'] : []), ...(jsonType ? ['JsonValue'] : [])], true),
      importNames('./descriptors.js', domain.aggregates.map((a) => aggregateDescriptorName(a.name))),
      importNames('./transcoders.js', needs.codecs),
      importNames('./types.js', needs.types, true),
      importNames('./validators.js', needs.validators),
    ]);
  };
  return { path: `${domainFolder(domain.name)}/aggregates.ts`, contents: printFile(domain.sourcePath, imports, classes) };
}

/** Emits `<domain>/aggregates.ts` for every domain. */
export const aggregatesEmitter: Emitter = {
  name: 'typescript-aggregates',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitAggregatesFile(d, ctx)),
};
