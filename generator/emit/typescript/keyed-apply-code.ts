/**
 * Generated expressions of keyed apply operations: the new list or map after changing the
 * element with the event's key, through the runtime's immutable helpers (runtime/wire/keyed.ts).
 */
import { InternalError } from '../../diagnostics.js';
import type { FieldDef, KeyedOpDef, TypeRef } from '../../ir/model.js';
import { arithmetic, sourceExpr, type ApplyNeeds } from './apply-operands.js';
import type { DomainScope } from './type-text.js';
import { literal, valueObjectOf } from './type-text.js';

/** The new value of the keyed op's state field `field`, given its current value `current`. */
export function keyedOpExpr(
  op: KeyedOpDef,
  field: FieldDef,
  current: string,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  return keyedOp(op, field, current, scope, needs, false);
}

/**
 * The statement changing the draft's list or map `field` in place as `keyedOpExpr` would
 * replace it (runtime/wire/in-place.ts); `target` is the draft's field, e.g. `draft.items`.
 */
export function keyedOpInPlace(
  op: KeyedOpDef,
  field: FieldDef,
  target: string,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  return `${keyedOp(op, field, target, scope, needs, true)};`;
}

/** A call of the immutable helper (an expression of the new value) or of its in-place twin. */
function keyedOp(
  op: KeyedOpDef,
  field: FieldDef,
  current: string,
  scope: DomainScope,
  needs: ApplyNeeds,
  inPlace: boolean,
): string {
  const inList = field.type.kind === 'list';
  const element = elementOf(field.type);
  const use = (helper: string): string => {
    if (inPlace) needs.inPlace.add(`${helper}InPlace`);
    else needs.keyed.add(helper);
    return inPlace ? `${helper}InPlace` : helper;
  };
  const keyOf = `(element) => element.${op.key.elementField ?? ''}`;
  const key = `event.data.${op.key.eventField ?? ''}`;
  switch (op.kind) {
    case 'upsert': {
      const value = sourceExpr(op.source, element, scope, needs);
      if (inList) return `${use('upsertByKey')}(${current}, ${keyOf}, ${value})`;
      return inPlace ? `${use('setEntry')}(${current}, ${key}, ${value})` : `{ ...${current}, [${key}]: ${value} }`;
    }
    case 'removeAt':
      return inList
        ? `${use('removeByKey')}(${current}, ${keyOf}, ${key})`
        : `${use('removeEntry')}(${current}, ${key})`;
    case 'incrementAt':
    case 'decrementAt': {
      const update = updateFunction(op, element, scope, needs);
      const create = op.createIfAbsent ? `, ${createFunction(op, element, scope, needs)}` : '';
      return inList
        ? `${use('updateByKey')}(${current}, ${keyOf}, ${key}, ${update}${create})`
        : `${use('updateEntry')}(${current}, ${key}, ${update}${create})`;
    }
  }
}

function elementOf(type: TypeRef): TypeRef {
  if (type.kind === 'list') return type.element;
  if (type.kind === 'map') return type.value;
  throw new InternalError('keyed apply on a state field that is neither a list nor a map');
}

/** The number incrementAt/decrementAt change: a value object's field, or the entry itself. */
function numberType(op: KeyedOpDef & { field?: string }, element: TypeRef, scope: DomainScope): TypeRef {
  if (op.field === undefined) return element;
  if (element.kind !== 'valueObject')
    throw new InternalError(`field ${op.field} of an element that is not a value object`);
  const field = valueObjectOf(scope, element.name).fields.find((f) => f.name === op.field);
  if (field === undefined) throw new InternalError(`value object ${element.name} has no field ${op.field}`);
  return field.type;
}

/** `(element) => ({ ...element, quantity: element.quantity + by })`, or `(entry) => entry + by`. */
function updateFunction(
  op: Extract<KeyedOpDef, { kind: 'incrementAt' | 'decrementAt' }>,
  element: TypeRef,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  const type = numberType(op, element, scope);
  const kind = op.kind === 'incrementAt' ? 'add' : 'subtract';
  const amount = sourceExpr(op.source, type, scope, needs);
  if (op.field === undefined) return `(entry) => ${arithmetic(kind, type, 'entry', amount, needs)}`;
  return `(element) => ({ ...element, ${op.field}: ${arithmetic(kind, type, `element.${op.field}`, amount, needs)} })`;
}

/** The element an absent key starts from: the key, the changed number at its default or zero, other fields' defaults. */
function createFunction(
  op: Extract<KeyedOpDef, { kind: 'incrementAt' | 'decrementAt' }>,
  element: TypeRef,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  if (element.kind !== 'valueObject') return `() => ${literal(element, 0, scope, needs)}`;
  const parts: string[] = [];
  for (const f of valueObjectOf(scope, element.name).fields) {
    if (f.name === op.key.elementField) parts.push(`${f.name}: event.data.${op.key.eventField ?? ''}`);
    else if (f.default !== undefined) parts.push(`${f.name}: ${literal(f.type, f.default, scope, needs)}`);
    else if (f.name === op.field) parts.push(`${f.name}: ${literal(f.type, 0, scope, needs)}`);
    else if (f.type.kind === 'list') parts.push(`${f.name}: []`);
    else if (f.type.kind === 'map') parts.push(`${f.name}: {}`);
    else if (!f.optional) throw new InternalError(`${element.name}.${f.name} has no default for a created element`);
  }
  return `() => ({ ${parts.join(', ')} })`;
}
