/**
 * `<domain>/aggregates.ts`: per aggregate, the generated abstract base class (generation gap):
 * typed state getters, creation factories, protected trigger methods that validate, fill
 * defaults and queue the event, the declarative `mutate`, and an abstract handler per custom
 * apply. A base class without abstract handlers also gets a ready concrete class.
 */
import type { LineWriter } from './line-writer.js';
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
import { eventInputTypeName, fieldDocs } from './emit-types.js';
import { validatorName } from './emit-validators.js';
import type { MemberShape } from './code-writer.js';
import { classDeclaration } from './code-writer.js';
import { importLines, printLines } from './line-writer.js';
import { docs, present, quote } from './text.js';
import type { LineStatement } from './line-writer.js';
import type { DomainScope } from './type-text.js';
import { domainScope, literal, mentionedTypes, tsType } from './type-text.js';

/** Static factory of a creation event: `create` when it is the only one, else `createFromOpened`. */
export function creationFactoryName(aggregate: AggregateDef, event: EventDef): string {
  return aggregate.events.filter((e) => e.creates).length === 1 ? 'create' : `createFrom${event.name}`;
}

/** `a` or `an` before a name, by its first letter. */
function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

/** Whether the generated base class declares abstract handlers (so no ready concrete class). */
export function hasAbstractHandlers(aggregate: AggregateDef): boolean {
  return aggregate.events.some((e) => e.apply.kind === 'custom');
}

interface FileNeeds extends ApplyNeeds {
  newAggregateId: boolean;
  checkPayload: boolean;
  types: Set<string>;
  codecs: Set<string>;
  validators: Set<string>;
}

/** `const data: …Data = { … }` from `input`: defaults filled, absent optionals left out. */
function writeData(w: LineWriter, event: EventDef, scope: DomainScope, needs: FileNeeds): void {
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
  w.writeLine(`checkPayload(${quote(event.topic)}, ${validatorName(event.name)}, ${codecName(event.name)}, data);`);
}

function triggerMethod(event: EventDef, scope: DomainScope, needs: FileNeeds): MemberShape {
  const hasFields = event.fields.length > 0;
  needs.types.add(event.name);
  if (hasFields) needs.types.add(eventInputTypeName(event.name));
  return {
    kind: 'method',
    name: triggerMethodName(event.name),
    scope: 'protected',
    docs: docs(
      event.description,
      `Triggers \`${event.name}\`: ${hasFields ? 'checks the payload (ValidationError listing every violation, nothing queued), ' : ''}applies it and queues it for the next save.`,
    ),
    parameters: hasFields ? [{ name: 'input', type: eventInputTypeName(event.name) }] : [],
    type: event.name,
    body: (w) => {
      if (hasFields) writeData(w, event, scope, needs);
      w.writeLine(`return this.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data' : '{}'});`);
    },
  };
}

function factoryMethod(aggregate: AggregateDef, event: EventDef, scope: DomainScope, needs: FileNeeds): MemberShape {
  const base = aggregateBaseClassName(aggregate.name);
  needs.newAggregateId = true;
  const hasFields = event.fields.length > 0;
  needs.types.add(event.name);
  if (hasFields) needs.types.add(eventInputTypeName(event.name));
  return {
    kind: 'method',
    name: creationFactoryName(aggregate, event),
    isStatic: true,
    docs: docs(
      event.description,
      `Creates ${article(aggregate.name)} ${aggregate.name} with its \`${event.name}\` event (checked against its constraints first). ` +
        'The id defaults to a random UUID, the timestamp to now.',
    ),
    typeParameters: `<T extends ${base}>`,
    parameters: [
      { name: 'this', type: 'new () => T' },
      ...(hasFields ? [{ name: 'input', type: eventInputTypeName(event.name) }] : []),
      { name: 'options', type: '{ readonly id?: string; readonly timestamp?: Date }', initializer: '{}' },
    ],
    type: 'T',
    body: (w) => {
      if (hasFields) writeData(w, event, scope, needs);
      w.writeLine('const aggregate = new this();');
      w.writeLine(
        `aggregate.triggerEvent<${event.name}>(${quote(event.name)}, ${hasFields ? 'data' : '{}'}, { ...options, id: options.id ?? newAggregateId() });`,
      );
      w.writeLine('return aggregate;');
    },
  };
}

function handlerMethod(aggregate: AggregateDef, event: EventDef): MemberShape {
  const state = stateTypeName(aggregate.name);
  return {
    kind: 'method',
    name: handlerMethodName(event.name),
    scope: 'protected',
    isAbstract: true,
    docs: docs(
      event.creates
        ? `The first state of a ${aggregate.name}, from its \`${event.name}\` event. Implement it in the hand-written subclass; keep it pure.`
        : `The state after \`${event.name}\`. Implement it in the hand-written subclass; return a new state, never change \`state\`.`,
    ),
    parameters: event.creates ? [{ name: 'event', type: event.name }] : [{ name: 'state', type: state }, { name: 'event', type: event.name }],
    type: state,
  };
}

function aggregateClass(aggregate: AggregateDef, scope: DomainScope, needs: FileNeeds): LineStatement {
  const state = stateTypeName(aggregate.name);
  const union = eventUnionName(aggregate.name);
  needs.types.add(state).add(union);
  const discarding = aggregate.events.filter((e) => e.discards);
  const members: MemberShape[] = [
    {
      kind: 'property',
      name: 'descriptor',
      isStatic: true,
      isReadonly: true,
      type: `AggregateDescriptor<${state}>`,
      initializer: aggregateDescriptorName(aggregate.name),
    },
    { kind: 'getter', name: 'aggregateName', scope: 'protected', type: 'string', body: (w) => w.writeLine(`return ${quote(aggregate.name)};`) },
    ...aggregate.state.fields.map(
      (f): MemberShape => ({
        kind: 'getter',
        name: f.name,
        docs: fieldDocs(f),
        type: f.optional ? `${tsType(f.type)} | undefined` : tsType(f.type),
        body: (w) => w.writeLine(`return this.state.${f.name};`),
      }),
    ),
    ...aggregate.events.filter((e) => e.creates).map((e) => factoryMethod(aggregate, e, scope, needs)),
    ...aggregate.events.filter((e) => !e.creates).map((e) => triggerMethod(e, scope, needs)),
    {
      kind: 'method',
      name: 'mutate',
      scope: 'protected',
      isOverride: true,
      parameters: [
        { name: 'state', type: `${state} | undefined` },
        { name: 'event', type: union },
      ],
      type: state,
      body: (w) => writeMutate(w, aggregate, scope, needs),
    },
    {
      kind: 'method',
      name: 'isDiscarding',
      scope: 'protected',
      isOverride: true,
      parameters: [{ name: discarding.length === 0 ? '_event' : 'event', type: union }],
      type: 'boolean',
      body: (w) =>
        w.writeLine(discarding.length === 0 ? 'return false;' : `return ${discarding.map((e) => `event.type === ${quote(e.name)}`).join(' || ')};`),
    },
    ...aggregate.events.filter((e) => e.apply.kind === 'custom').map((e) => handlerMethod(aggregate, e)),
  ];
  return classDeclaration(
    aggregateBaseClassName(aggregate.name),
    {
      isAbstract: true,
      extends: `Aggregate<${state}, ${union}>`,
      docs: docs(
        aggregate.description,
        `Generated base class of ${aggregate.name}: extend it to add commands` +
          (hasAbstractHandlers(aggregate) ? ' and implement the abstract handlers.' : ` (or use the ready class \`${aggregate.name}\`).`),
      ),
    },
    members,
  );
}

/**
 * The ready class: the base class with its trigger methods made public, so an aggregate whose
 * events all apply declaratively is usable without any hand-written subclass.
 */
function readyClass(aggregate: AggregateDef): LineStatement {
  const triggers = aggregate.events
    .filter((e) => !e.creates)
    .map((e): MemberShape => {
      const hasFields = e.fields.length > 0;
      return {
        kind: 'method',
        name: triggerMethodName(e.name),
        isOverride: true,
        docs: docs(e.description, `Triggers \`${e.name}\` (public here: the ready class has no commands of its own).`),
        parameters: hasFields ? [{ name: 'input', type: eventInputTypeName(e.name) }] : [],
        type: e.name,
        body: (w) => w.writeLine(`return super.${triggerMethodName(e.name)}(${hasFields ? 'input' : ''});`),
      };
    });
  return classDeclaration(
    aggregate.name,
    {
      extends: aggregateBaseClassName(aggregate.name),
      docs: docs(
        `${aggregate.name}, ready to use: every event applies declaratively, so no hand-written code is needed. ` +
          'Extend the base class instead to add commands and invariants.',
      ),
    },
    triggers,
  );
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
    checkPayload: false,
    types: new Set(),
    codecs: new Set(),
    validators: new Set(),
  };
  const classes: LineStatement[] = domain.aggregates.flatMap((a) => [
    aggregateClass(a, scope, needs),
    ...(hasAbstractHandlers(a) ? [] : [readyClass(a)]),
  ]);
  // Writer functions fill `needs` while the classes print: imports are computed afterwards.
  const imports = (): LineStatement[] => {
    const mentioned = new Set<string>();
    for (const a of domain.aggregates) for (const f of a.state.fields) mentionedTypes(f.type, mentioned);
    const decimalType = mentioned.delete('Decimal') && !needs.decimal;
    const jsonType = mentioned.delete('JsonValue');
    for (const name of mentioned) needs.types.add(name);
    const runtimeValues = ['Aggregate'];
    if (needs.checkPayload) runtimeValues.push('checkPayload');
    if (needs.removeFirst) runtimeValues.push('removeFirst');
    if (needs.outOfOrder) runtimeValues.push('outOfOrder');
    if (needs.decodeBase64) runtimeValues.push('decodeBase64');
    if (needs.newAggregateId) runtimeValues.push('newAggregateId');
    if (needs.addDecimal) runtimeValues.push('addDecimal');
    if (needs.subtractDecimal) runtimeValues.push('subtractDecimal');
    runtimeValues.push(...[...needs.keyed].sort());
    return present([
      needs.decimal ? importLines('decimal.js', ['Decimal']) : undefined,
      decimalType ? importLines('decimal.js', ['Decimal'], true) : undefined,
      importLines(ctx.runtimeImport, runtimeValues),
      importLines(ctx.runtimeImport, ['AggregateDescriptor', ...(needs.mutable ? ['Mutable'] : []), ...(jsonType ? ['JsonValue'] : [])], true),
      importLines('./descriptors.js', domain.aggregates.map((a) => aggregateDescriptorName(a.name))),
      importLines('./transcoders.js', needs.codecs),
      importLines('./types.js', needs.types, true),
      importLines('./validators.js', needs.validators),
    ]);
  };
  return { path: `${domainFolder(domain.name)}/aggregates.ts`, contents: printLines(domain.sourcePath, imports, classes) };
}

/** Emits `<domain>/aggregates.ts` for every domain. */
export const aggregatesEmitter: Emitter = {
  name: 'typescript-aggregates',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitAggregatesFile(d, ctx)),
};
