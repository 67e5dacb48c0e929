/**
 * What a keyed apply operation (upsert, incrementAt, decrementAt, removeAt) means, and what is
 * wrong with it (EF520–EF525). The element is found in a list of value objects by one of its
 * fields, in a map by its key; the key comes from an event field.
 */
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../did-you-mean.js';
import type { Located, RawKeyedOp } from '../load/raw-model.js';
import { errorAt } from '../load/source-doc.js';
import type { ElementKeyDef, KeyedOpDef, TypeRef } from '../ir/model.js';
import {
  resolveFields,
  resolveSource,
  stateFieldOf,
  type ApplyContext,
  type ResolvedFieldInfo,
} from './apply-source.js';
import { formatType, isNumeric, sameType } from './resolve-types.js';

/** Where a keyed op's element lives: a list of value objects, or a map. */
interface Collection {
  readonly kind: 'list' | 'map';
  readonly element: TypeRef;
  /** The element's fields when it is a value object (those whose types resolve). */
  readonly fields?: ReadonlyMap<string, ResolvedFieldInfo>;
  /** Every field name the value object declares, so a field whose type is unknown (reported elsewhere) is not called missing. */
  readonly declared?: ReadonlySet<string>;
}

/**
 * Thrown by `refuse` once a problem is reported: the op then has no meaning, and checking the
 * rest of it would only add noise. Caught in resolveKeyedOp, never escapes this module.
 */
class Refused {}

/** Reports a problem of the op at `at` and abandons it. */
type Refuse = (
  at: Located<unknown> | { range: RawKeyedOp['range'] },
  code: string,
  message: string,
  hint: string,
) => never;

export function resolveKeyedOp(ctx: ApplyContext, op: RawKeyedOp, diagnostics: Diagnostic[]): KeyedOpDef | undefined {
  const refuse: Refuse = (at, code, message, hint) => {
    diagnostics.push(errorAt(ctx.file, at.range, code, `\`${op.verb}\` in event ${ctx.eventLabel}: ${message}`, hint));
    throw new Refused();
  };
  try {
    const state = stateFieldOf(ctx, op.verb, op.stateField, diagnostics);
    if (state === undefined) return undefined;
    const collection = collectionOf(ctx, op, state, refuse);
    const key = keyOf(ctx, op, collection, refuse);
    const stateField = state.name;
    if (op.verb === 'removeAt') return { kind: 'removeAt', stateField, key };
    if (op.source === undefined) return undefined; // the shape check reported the missing `value`/`by`
    if (op.verb === 'upsert') {
      const label = `an element of "${stateField}" (${formatType(collection.element)})`;
      const source = resolveSource(
        ctx,
        op.verb,
        stateField,
        op.source,
        { type: collection.element, optional: false, label, constraints: {}, mismatchCode: 'EF524' },
        diagnostics,
      );
      return source === undefined ? undefined : { kind: 'upsert', stateField, key, source };
    }
    const field = numberField(op, collection, stateField, refuse);
    const label =
      field === undefined
        ? `an entry of "${stateField}" (${formatType(collection.element)})`
        : `field "${field.name}" of an element of "${stateField}" (${formatType(field.type)})`;
    const target = field?.type ?? collection.element;
    const source = resolveSource(
      ctx,
      op.verb,
      stateField,
      op.source,
      { type: target, optional: false, label, constraints: {}, mismatchCode: 'EF524' },
      diagnostics,
    );
    if (source === undefined) return undefined;
    const createIfAbsent = op.ifAbsent?.value !== 'ignore';
    if (createIfAbsent) checkCreatable(op, collection, key, field, stateField, refuse);
    return {
      kind: op.verb,
      stateField,
      key,
      ...(field !== undefined ? { field: field.name } : {}),
      source,
      createIfAbsent,
    };
  } catch (error) {
    if (error instanceof Refused) return undefined;
    throw error;
  }
}

/** EF520: the state field must be a required list of value objects, or a required map. */
function collectionOf(ctx: ApplyContext, op: RawKeyedOp, state: ResolvedFieldInfo, refuse: Refuse): Collection {
  const name = state.name;
  const type = state.type;
  if (state.optional || (type.kind !== 'list' && type.kind !== 'map')) {
    const shown = formatType(type, state.optional);
    const hint =
      type.kind === 'list' || type.kind === 'map'
        ? 'make the state field required (lists start empty, maps {}): drop the `?`'
        : `declare "${name}" as a list of value objects (e.g. \`Line[]\`) or a map (e.g. \`map<int>\`), or use \`assign\``;
    return refuse(op.stateField, 'EF520', `"${name}" is ${shown}, not a required list of value objects or map`, hint);
  }
  const element = type.kind === 'list' ? type.element : type.value;
  const declaration = element.kind === 'valueObject' ? ctx.table.valueObjects.get(element.name) : undefined;
  if (declaration === undefined) {
    if (type.kind === 'list') {
      return refuse(
        op.stateField,
        'EF520',
        `the elements of "${name}" are ${formatType(element)}, not value objects, so they have no key field`,
        'find list elements by a field of a value object (e.g. `Line[]` with `Line { sku, quantity }`); for a list of plain values use `push`/`remove`',
      );
    }
    return { kind: type.kind, element };
  }
  const declared = new Set(declaration.fields.map((f) => f.name.value));
  return { kind: type.kind, element, fields: resolveFields(declaration.fields, ctx.table), declared };
}

/** A field of the element: resolved, or refused silently when its type is unknown (reported by the type rules). */
function elementField(collection: Collection, name: string): ResolvedFieldInfo | undefined {
  const field = collection.fields?.get(name);
  if (field === undefined && collection.declared?.has(name) === true) throw new Refused();
  return field;
}

/** A key compares with `valuesEqual`: any scalar but json, and enums. */
function isKeyType(type: TypeRef): boolean {
  return (type.kind === 'scalar' && type.scalar !== 'json') || type.kind === 'enum';
}

/** A map key is a string at run time. */
function isMapKeyType(type: TypeRef): boolean {
  return (
    type.kind === 'enum' ||
    (type.kind === 'scalar' && (type.scalar === 'string' || type.scalar === 'uuid' || type.scalar === 'date'))
  );
}

/** EF521 (the element's key field) and EF522 (the event field holding the key). */
function keyOf(ctx: ApplyContext, op: RawKeyedOp, collection: Collection, refuse: Refuse): ElementKeyDef {
  if (collection.kind === 'map') {
    if (op.keyFrom !== undefined) {
      return refuse(
        op.keyFrom.elementField,
        'EF521',
        `the entries of a map have no key field; the key is the event field alone`,
        `write \`key: ${op.keyFrom.eventField.value}\``,
      );
    }
    if (op.key === undefined) throw new Refused(); // the shape check reported the missing `key`
    const eventField = keyEventField(ctx, op, op.key, refuse);
    if (!isMapKeyType(eventField.type)) {
      refuse(
        op.key,
        'EF522',
        `the key of a map is a string, but event field "${eventField.name}" is ${formatType(eventField.type)}`,
        'use a string, uuid, date or enum event field as the key',
      );
    }
    return { eventField: eventField.name };
  }
  const elementName = op.keyFrom?.elementField ?? op.key;
  if (elementName === undefined) throw new Refused();
  const fields = collection.fields ?? new Map<string, ResolvedFieldInfo>();
  const elementType = formatType(collection.element);
  const element = elementField(collection, elementName.value);
  if (element === undefined) {
    const hint =
      didYouMean(elementName.value, fields.keys()) ??
      `the key is a field of ${elementType}: ${[...fields.keys()].map((f) => `"${f}"`).join(', ')}`;
    return refuse(elementName, 'EF521', `${elementType} has no field "${elementName.value}" to find elements by`, hint);
  }
  if (element.optional || !isKeyType(element.type)) {
    return refuse(
      elementName,
      'EF521',
      `field "${element.name}" of ${elementType} is ${formatType(element.type, element.optional)}, which cannot be a key`,
      'a key is a required scalar (not json) or enum field of the element',
    );
  }
  if (op.verb === 'upsert') {
    if (op.keyFrom !== undefined) {
      return refuse(
        op.keyFrom.eventField,
        'EF521',
        `upsert finds the element by the value's own "${element.name}", not by another event field`,
        `write \`key: ${element.name}\``,
      );
    }
    return { elementField: element.name };
  }
  const eventName = op.keyFrom?.eventField ?? elementName;
  const eventField = keyEventField(ctx, op, eventName, refuse, element.name);
  if (!sameType(eventField.type, element.type)) {
    refuse(
      eventName,
      'EF522',
      `event field "${eventField.name}" (${formatType(eventField.type)}) cannot be compared with key field "${element.name}" of ${elementType} (${formatType(element.type)})`,
      "the key event field must have the type of the element's key field",
    );
  }
  return { elementField: element.name, eventField: eventField.name };
}

/** The event field holding the key; `elementField` is the list element's key field it is compared with. */
function keyEventField(
  ctx: ApplyContext,
  op: RawKeyedOp,
  name: Located<string>,
  refuse: Refuse,
  elementField?: string,
): ResolvedFieldInfo {
  const field = ctx.eventFields.get(name.value);
  if (field === undefined && ctx.unresolvedEventFields.has(name.value)) throw new Refused();
  if (field === undefined) {
    const others = [...ctx.eventFields.keys()].map((f) => `"${f}"`).join(', ') || 'no fields';
    const differently =
      elementField !== undefined && op.keyFrom === undefined
        ? `; when the event names the key differently, write \`key: { ${elementField}: <event field> }\``
        : '';
    const hint =
      didYouMean(name.value, ctx.eventFields.keys()) ??
      `the key comes from an event field, and ${ctx.eventLabel} has ${others}${differently}`;
    return refuse(
      name,
      'EF522',
      `the key names event field "${name.value}", which ${ctx.eventLabel} does not have`,
      hint,
    );
  }
  if (field.optional)
    return refuse(
      name,
      'EF522',
      `the key event field "${field.name}" may be absent`,
      'make the event field required: every event must name the element it changes',
    );
  return field;
}

/** EF523: the number incrementAt/decrementAt change: `field` of a value object, or the entry of a map of numbers. */
function numberField(
  op: RawKeyedOp,
  collection: Collection,
  stateName: string,
  refuse: Refuse,
): ResolvedFieldInfo | undefined {
  const fields = collection.fields;
  const elementType = formatType(collection.element);
  if (fields === undefined) {
    if (op.field !== undefined)
      return refuse(
        op.field,
        'EF523',
        `the entries of "${stateName}" are ${elementType}, which have no fields`,
        'drop `field:`; the entry itself is changed',
      );
    if (!isNumeric(collection.element))
      return refuse(
        op.stateField,
        'EF523',
        `the entries of "${stateName}" are ${elementType}, not numbers or value objects`,
        'incrementAt and decrementAt change an int, float, decimal or bigint',
      );
    return undefined;
  }
  const numeric = [...fields.values()].filter((f) => isNumeric(f.type) && !f.optional).map((f) => `"${f.name}"`);
  const choices =
    numeric.length > 0
      ? `the numeric fields of ${elementType}: ${numeric.join(', ')}`
      : `${elementType} has no required numeric field`;
  if (op.field === undefined)
    return refuse(
      op.stateField,
      'EF523',
      `the elements of "${stateName}" are ${elementType}: say which number to change with \`field:\``,
      `add \`field:\`, one of ${choices}`,
    );
  const field = elementField(collection, op.field.value);
  if (field === undefined)
    return refuse(
      op.field,
      'EF523',
      `${elementType} has no field "${op.field.value}"`,
      didYouMean(op.field.value, fields.keys()) ?? `use one of ${choices}`,
    );
  if (!isNumeric(field.type) || field.optional) {
    return refuse(
      op.field,
      'EF523',
      `field "${field.name}" of ${elementType} is ${formatType(field.type, field.optional)}, not a required number`,
      `use one of ${choices}`,
    );
  }
  return field;
}

/** EF525: with `ifAbsent: create` (the default) an absent element is built from the key and defaults. */
function checkCreatable(
  op: RawKeyedOp,
  collection: Collection,
  key: ElementKeyDef,
  field: ResolvedFieldInfo | undefined,
  stateName: string,
  refuse: Refuse,
): void {
  if (collection.fields === undefined) return;
  const missing = [...collection.fields.values()].filter(
    (f) =>
      f.name !== key.elementField &&
      f.name !== field?.name &&
      !f.optional &&
      f.raw.default === undefined &&
      f.type.kind !== 'list' &&
      f.type.kind !== 'map',
  );
  if (missing.length === 0) return;
  const names = missing.map((f) => `"${f.name}" (${formatType(f.type)})`).join(', ');
  refuse(
    op.stateField,
    'EF525',
    `when no element of "${stateName}" has the key, it creates one, but ${formatType(collection.element)} has no default for ${names}`,
    `give ${missing.length > 1 ? 'them defaults' : 'it a default'}, or write \`ifAbsent: ignore\` to leave "${stateName}" unchanged when the key is absent`,
  );
}
