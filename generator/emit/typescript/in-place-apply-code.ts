/**
 * The generated `mutateInPlace` and `draftOf` of an aggregate: the declarative applies of
 * `mutate` as statements changing a draft state in place, for `Aggregate.replay` (a load). Each
 * statement leaves the draft as `mutate`'s expression would build the new state; lists and maps
 * change through the runtime's in-place helpers (runtime/wire/in-place.ts).
 */
import type { CodeWriter } from './code-writer.js';
import type { AggregateDef, ApplyOpDef, FieldDef } from '../../ir/model.js';
import { stateTypeName } from '../../ir/naming.js';
import { elementType, stateField } from './apply-code.js';
import { arithmetic, sourceExpr, type ApplyNeeds } from './apply-operands.js';
import { keyedOpInPlace } from './keyed-apply-code.js';
import { quote } from './text.js';
import type { DomainScope } from './type-text.js';

/** Ops that change a list or map in place rather than replacing the field's value. */
function changesContainer(op: ApplyOpDef): boolean {
  return op.kind !== 'assign' && op.kind !== 'increment' && op.kind !== 'decrement';
}

/**
 * The state fields whose list or map some event changes in place: `draftOf` copies them, and an
 * assign of an event's list or map to one copies it, so the draft never changes a list or map
 * it shares (with a snapshot, a custom handler's state, an event or another field).
 */
export function inPlaceContainers(aggregate: AggregateDef): Set<string> {
  const fields = new Set<string>();
  for (const event of aggregate.events) {
    if (event.apply.kind !== 'declarative') continue;
    for (const op of event.apply.ops) if (changesContainer(op)) fields.add(op.stateField);
  }
  return fields;
}

/** A copy of `value` (an expression of the field's type) the draft owns, when the field needs one. */
function owned(field: FieldDef, value: string, containers: ReadonlySet<string>): string {
  if (!containers.has(field.name)) return value;
  const copy = field.type.kind === 'map' ? `{ ...${value} }` : `[...${value}]`;
  return field.optional ? `${value} === undefined ? undefined : ${copy}` : copy;
}

/** The statement applying one op to `draft`. */
function opStatement(
  op: ApplyOpDef,
  aggregate: AggregateDef,
  containers: ReadonlySet<string>,
  scope: DomainScope,
  needs: ApplyNeeds,
): string {
  const field = stateField(aggregate, op.stateField);
  const target = `draft.${op.stateField}`;
  const use = (helper: string): string => {
    needs.inPlace.add(helper);
    return helper;
  };
  switch (op.kind) {
    case 'assign': {
      const value = sourceExpr(op.source, field.type, scope, needs);
      // A constant is a fresh literal; an event's list or map may be shared.
      return `${target} = ${op.source.kind === 'eventField' ? owned(field, value, containers) : value};`;
    }
    case 'push':
      return `${use('pushInPlace')}(${target}, ${sourceExpr(op.source, elementType(field.type), scope, needs)});`;
    case 'remove':
      return `${use('removeFirstInPlace')}(${target}, ${sourceExpr(op.source, elementType(field.type), scope, needs)});`;
    case 'increment':
    case 'decrement':
      return `${target} = ${arithmetic(
        op.kind === 'increment' ? 'add' : 'subtract',
        field.type,
        target,
        sourceExpr(op.source, field.type, scope, needs),
        needs,
      )};`;
    default:
      return keyedOpInPlace(op, field, target, scope, needs);
  }
}

/** The parameter names of `mutateInPlace`: `_`-prefixed where the body does not read them. */
export function mutateInPlaceParameters(aggregate: AggregateDef): { state: string; owned: string } {
  const declarative = aggregate.events.filter((e) => e.apply.kind !== 'custom');
  const usesState = declarative.length > 0 || aggregate.events.some((e) => !e.creates);
  const usesOwned = declarative.some((e) => !e.creates && e.apply.kind === 'declarative' && e.apply.ops.length > 0);
  return { state: usesState ? 'state' : '_state', owned: usesOwned ? 'owned' : '_owned' };
}

/** The body of `mutateInPlace(state, event, owned)`. */
export function writeMutateInPlace(
  w: CodeWriter,
  aggregate: AggregateDef,
  scope: DomainScope,
  needs: ApplyNeeds,
): void {
  const containers = inPlaceContainers(aggregate);
  const state = stateTypeName(aggregate.name);
  const creations = aggregate.events.filter((e) => e.creates);
  const others = aggregate.events.filter((e) => !e.creates);
  const custom = (events: typeof creations) => events.filter((e) => e.apply.kind === 'custom');
  w.writeLine('switch (event.type) {').indent(() => {
    // A creation builds a new state: `mutate`'s, copied where later events change it in place.
    for (const event of creations.filter((e) => e.apply.kind !== 'custom'))
      w.writeLine(`case ${quote(event.name)}:`).indent(() =>
        w.writeLine('return this.draftOf(this.mutate(state, event));'),
      );
    for (const event of custom(creations)) w.writeLine(`case ${quote(event.name)}:`);
    if (custom(creations).length > 0) w.indent(() => w.writeLine('return undefined;'));
  });
  w.writeLine('}');
  if (others.length === 0) return;
  // `mutate` says why an event cannot apply before the creation.
  w.writeLine('if (state === undefined) return undefined;');
  w.writeLine('switch (event.type) {').indent(() => {
    for (const event of others.filter((e) => e.apply.kind !== 'custom')) {
      w.writeLine(`case ${quote(event.name)}: {`).indent(() => {
        const ops = event.apply.kind === 'declarative' ? event.apply.ops : [];
        if (ops.length === 0) {
          w.writeLine('return state;');
          return;
        }
        needs.mutable = true;
        w.writeLine(`const draft: Mutable<${state}> = owned ? state : this.draftOf(state);`);
        for (const op of ops) w.writeLine(opStatement(op, aggregate, containers, scope, needs));
        w.writeLine('return draft;');
      });
      w.writeLine('}');
    }
    for (const event of custom(others)) w.writeLine(`case ${quote(event.name)}:`);
    if (custom(others).length > 0) w.indent(() => w.writeLine('return undefined;'));
  });
  w.writeLine('}');
}

/** The body of `draftOf(state)`: a shallow copy owning the lists and maps changed in place. */
export function writeDraftOf(w: CodeWriter, aggregate: AggregateDef, needs: ApplyNeeds): void {
  const containers = inPlaceContainers(aggregate);
  const fields = aggregate.state.fields.filter((f) => containers.has(f.name));
  const required = fields.filter((f) => !f.optional);
  const optional = fields.filter((f) => f.optional);
  const copies = required.map((f) => `${f.name}: ${owned(f, `state.${f.name}`, containers)}`);
  if (optional.length === 0) {
    w.writeLine(copies.length === 0 ? 'return { ...state };' : `return { ...state, ${copies.join(', ')} };`);
    return;
  }
  needs.mutable = true;
  w.writeLine(
    `const draft: Mutable<${stateTypeName(aggregate.name)}> = { ...state${copies.map((c) => `, ${c}`).join('')} };`,
  );
  for (const f of optional) {
    const copy = f.type.kind === 'map' ? `{ ...state.${f.name} }` : `[...state.${f.name}]`;
    w.writeLine(`if (state.${f.name} !== undefined) draft.${f.name} = ${copy};`);
  }
  w.writeLine('return draft;');
}
