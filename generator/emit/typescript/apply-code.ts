/**
 * The body of a generated `mutate`: declarative applies as expressions over the previous state,
 * dispatch to abstract handlers for custom ones.
 */
import type { CodeWriter } from './code-writer.js';
import { InternalError } from '../../diagnostics.js';
import type { AggregateDef, ApplyOpDef, EventDef, FieldDef, TypeRef } from '../../ir/model.js';
import { handlerMethodName, stateTypeName } from '../../ir/naming.js';
import { arithmetic, sourceExpr, type ApplyNeeds } from './apply-operands.js';
import { keyedOpExpr } from './keyed-apply-code.js';
import { quote } from './text.js';
import type { DomainScope } from './type-text.js';
import { literal } from './type-text.js';

export type { ApplyNeeds } from './apply-operands.js';

export function stateField(aggregate: AggregateDef, name: string): FieldDef {
  const field = aggregate.state.fields.find((f) => f.name === name);
  if (field === undefined) throw new InternalError(`apply of ${aggregate.name} targets unknown state field ${name}`);
  return field;
}

export function elementType(type: TypeRef): TypeRef {
  if (type.kind !== 'list') throw new InternalError('push/remove on a state field that is not a list');
  return type.element;
}

/** The new value of the op's state field, given its current value `current`. */
function opExpr(
  op: ApplyOpDef,
  aggregate: AggregateDef,
  current: string,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  const field = stateField(aggregate, op.stateField);
  switch (op.kind) {
    case 'assign':
      return sourceExpr(op.source, field.type, scope, needs);
    case 'push':
      return `[...${current}, ${sourceExpr(op.source, elementType(field.type), scope, needs)}]`;
    case 'remove':
      needs.removeFirst = true;
      return `removeFirst(${current}, ${sourceExpr(op.source, elementType(field.type), scope, needs)})`;
    case 'increment':
    case 'decrement':
      return arithmetic(
        op.kind === 'increment' ? 'add' : 'subtract',
        field.type,
        current,
        sourceExpr(op.source, field.type, scope, needs),
        needs,
      );
    default:
      return keyedOpExpr(op, field, current, scope, needs);
  }
}

function opsTouchOneFieldEach(ops: readonly ApplyOpDef[]): boolean {
  return new Set(ops.map((o) => o.stateField)).size === ops.length;
}

/** Statements computing the state after a declarative non-creation event, from `state`. */
function writeDeclarative(
  w: CodeWriter,
  aggregate: AggregateDef,
  ops: readonly ApplyOpDef[],
  scope: DomainScope,
  needs: ApplyNeeds,
): void {
  if (ops.length === 0) {
    w.writeLine('return state;');
  } else if (opsTouchOneFieldEach(ops)) {
    w.writeLine('return {').indent(() => {
      w.writeLine('...state,');
      for (const op of ops)
        w.writeLine(`${op.stateField}: ${opExpr(op, aggregate, `state.${op.stateField}`, scope, needs)},`);
    });
    w.writeLine('};');
  } else {
    // Ops on the same field apply in order, each to the result of the previous one.
    needs.mutable = true;
    w.writeLine(`const next: Mutable<${stateTypeName(aggregate.name)}> = { ...state };`);
    for (const op of ops)
      w.writeLine(`next.${op.stateField} = ${opExpr(op, aggregate, `next.${op.stateField}`, scope, needs)};`);
    w.writeLine('return next;');
  }
}

/** Statements building the first state from a declarative creation event. */
function writeCreation(
  w: CodeWriter,
  aggregate: AggregateDef,
  event: EventDef,
  ops: readonly ApplyOpDef[],
  scope: DomainScope,
  needs: ApplyNeeds,
): void {
  const assigned = new Map(ops.filter((o) => o.kind === 'assign').map((o) => [o.stateField, o]));
  const later = ops.filter((o) => o.kind !== 'assign' || assigned.get(o.stateField) !== o);
  const eventField = (name: string): FieldDef | undefined => event.fields.find((f) => f.name === name);
  const conditional: string[] = [];
  const entries: string[] = [];
  for (const field of aggregate.state.fields) {
    const op = assigned.get(field.name);
    if (op !== undefined) {
      const value = sourceExpr(op.source, field.type, scope, needs);
      const source = op.source.kind === 'eventField' ? eventField(op.source.field) : undefined;
      if (source?.optional === true && field.optional)
        conditional.push(`if (${value} !== undefined) next.${field.name} = ${value};`);
      else entries.push(`${field.name}: ${value},`);
    } else if (field.default !== undefined) {
      entries.push(`${field.name}: ${literal(field.type, field.default, scope, needs)},`);
    } else if (field.optional) {
      continue;
    } else if (field.type.kind === 'list') {
      entries.push(`${field.name}: [],`);
    } else if (field.type.kind === 'map') {
      entries.push(`${field.name}: {},`);
    } else {
      throw new InternalError(
        `creation event ${event.name} leaves required state field ${aggregate.name}.${field.name} unset`,
      );
    }
  }
  const mutable = conditional.length > 0 || later.length > 0;
  if (mutable) needs.mutable = true;
  w.writeLine(mutable ? `const next: Mutable<${stateTypeName(aggregate.name)}> = {` : 'return {');
  w.indent(() => entries.forEach((e) => w.writeLine(e)));
  w.writeLine('};');
  if (!mutable) return;
  conditional.forEach((line) => w.writeLine(line));
  for (const op of later)
    w.writeLine(`next.${op.stateField} = ${opExpr(op, aggregate, `next.${op.stateField}`, scope, needs)};`);
  w.writeLine('return next;');
}

/** The whole `mutate` body: creation events first (state must be undefined), then the others. */
export function writeMutate(w: CodeWriter, aggregate: AggregateDef, scope: DomainScope, needs: ApplyNeeds): void {
  const creations = aggregate.events.filter((e) => e.creates);
  const others = aggregate.events.filter((e) => !e.creates);
  needs.outOfOrder = true;
  const name = quote(aggregate.name);
  w.writeLine('switch (event.type) {').indent(() => {
    for (const event of creations) {
      w.writeLine(`case ${quote(event.name)}: {`).indent(() => {
        w.writeLine(`if (state !== undefined) throw outOfOrder(${name}, event.type, true);`);
        if (event.apply.kind === 'custom') w.writeLine(`return this.${handlerMethodName(event.name)}(event);`);
        else
          writeCreation(w, aggregate, event, event.apply.kind === 'declarative' ? event.apply.ops : [], scope, needs);
      });
      w.writeLine('}');
    }
  });
  w.writeLine('}');
  if (others.length === 0) return;
  w.writeLine(`if (state === undefined) throw outOfOrder(${name}, event.type, false);`);
  w.writeLine('switch (event.type) {').indent(() => {
    for (const event of others) {
      w.writeLine(`case ${quote(event.name)}: {`).indent(() => {
        if (event.apply.kind === 'custom') w.writeLine(`return this.${handlerMethodName(event.name)}(state, event);`);
        else writeDeclarative(w, aggregate, event.apply.kind === 'declarative' ? event.apply.ops : [], scope, needs);
      });
      w.writeLine('}');
    }
  });
  w.writeLine('}');
}
