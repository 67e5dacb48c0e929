/**
 * The schema as written, read from a shape-valid YAML document: names and values with their
 * source ranges, nothing resolved yet. Semantic rules check it; the IR builder normalizes it.
 */
import type { JsonValue } from '../ir/model.js';
import type { SourceRange } from './source-doc.js';

/** A value with the range it was written at. */
export interface Located<T> {
  readonly value: T;
  readonly range: SourceRange;
}

export interface RawConstraints {
  readonly minLength?: Located<number>;
  readonly maxLength?: Located<number>;
  readonly pattern?: Located<string>;
  /** Numbers as written; `text` keeps the exact digits (decimal and bigint bounds). */
  readonly min?: Located<{ readonly number: number; readonly text: string }>;
  readonly max?: Located<{ readonly number: number; readonly text: string }>;
}

export interface RawField {
  /** The key: name and where it is written. */
  readonly name: Located<string>;
  /** The type expression, e.g. `Trick[]?`, and where it is written. */
  readonly type: Located<string>;
  readonly constraints: RawConstraints;
  readonly default?: Located<JsonValue>;
  readonly pii: boolean;
  /** `redacted:` the value a personal field reads as once its subject is forgotten. */
  readonly redacted?: Located<JsonValue>;
  readonly description?: string;
}

export interface RawEnum {
  readonly kind: 'enum';
  readonly name: Located<string>;
  readonly values: readonly Located<string>[];
  readonly description?: string;
}

export interface RawValueObject {
  readonly kind: 'valueObject';
  readonly name: Located<string>;
  readonly fields: readonly RawField[];
  readonly description?: string;
}

export type RawTypeDecl = RawEnum | RawValueObject;

export interface RawUpcast {
  /** The field of version k+1 the entry computes. */
  readonly field: Located<string>;
  readonly rename?: Located<string>;
  readonly using?: Located<string>;
}

/** One `history: { k: … }` entry. */
export interface RawHistoryEntry {
  /** The key `k`, parsed. */
  readonly version: Located<number>;
  readonly fields: readonly RawField[];
  readonly upcast: readonly RawUpcast[];
}

export type ApplyVerb = 'assign' | 'set' | 'push' | 'remove' | 'increment' | 'decrement';
export const APPLY_VERBS: readonly ApplyVerb[] = ['assign', 'set', 'push', 'remove', 'increment', 'decrement'];

export interface RawApplyOp {
  readonly verb: ApplyVerb;
  readonly stateField: Located<string>;
  /** An event field name or a constant. */
  readonly source: Located<string | number | boolean>;
  /** Written in quotes: always a constant, even when an event field has that name. */
  readonly quoted: boolean;
}

/** Operations on one element of a list or map state field, found by a key. */
export type KeyedVerb = 'upsert' | 'incrementAt' | 'decrementAt' | 'removeAt';
export const KEYED_VERBS: readonly KeyedVerb[] = ['upsert', 'incrementAt', 'decrementAt', 'removeAt'];

/** A value in `apply`: an event field name or a constant. */
export interface RawApplySource {
  readonly value: Located<string | number | boolean>;
  /** Written in quotes: always a constant, even when an event field has that name. */
  readonly quoted: boolean;
}

/** `<verb>: { lines: { key: sku, field: quantity, by: quantity } }`, one state field's entry. */
export interface RawKeyedOp {
  readonly verb: KeyedVerb;
  readonly stateField: Located<string>;
  /** `key: sku`: the element field of a list (also the event field holding the key), the event field of a map. */
  readonly key?: Located<string>;
  /** `key: { sku: itemSku }`: a list's element field `sku` matched by the event field `itemSku`. */
  readonly keyFrom?: { readonly elementField: Located<string>; readonly eventField: Located<string> };
  /** `field:` the numeric field of a value-object element that increment/decrement change. */
  readonly field?: Located<string>;
  /** `value:` of upsert, `by:` of incrementAt/decrementAt. */
  readonly source?: RawApplySource;
  readonly ifAbsent?: Located<string>;
  /** The whole entry, for problems that concern it as a whole. */
  readonly range: SourceRange;
}

export type RawApply =
  | { readonly kind: 'custom'; readonly range: SourceRange }
  | { readonly kind: 'none'; readonly range: SourceRange }
  | {
      readonly kind: 'ops';
      readonly range: SourceRange;
      readonly ops: readonly RawApplyOp[];
      readonly keyed: readonly RawKeyedOp[];
    };

/** Shared by events and state: current fields plus earlier versions. */
export interface RawPayload {
  /** The `version:` value if written. */
  readonly version?: Located<number>;
  readonly fields: readonly RawField[];
  readonly history: readonly RawHistoryEntry[];
  /** Where the payload is declared (the event's name, or the `state` key). */
  readonly range: SourceRange;
}

export interface RawEvent {
  readonly name: Located<string>;
  readonly payload: RawPayload;
  readonly creates?: Located<boolean>;
  readonly discards?: Located<boolean>;
  readonly apply?: RawApply;
  /** `subject:` the field holding the subject of the event's personal fields. */
  readonly subject?: Located<string>;
  readonly description?: string;
}

export interface RawAggregate {
  readonly name: Located<string>;
  readonly state: RawPayload;
  readonly events: readonly RawEvent[];
  readonly snapshotEvery?: Located<number>;
  /** `subject:` the field holding the subject of the personal fields of the state and events. */
  readonly subject?: Located<string>;
  readonly description?: string;
}

export interface RawDomain {
  readonly file: string;
  readonly name: Located<string>;
  readonly description?: string;
  readonly upcasters?: Located<string>;
  readonly types: readonly RawTypeDecl[];
  readonly aggregates: readonly RawAggregate[];
  /** The read models of `views:` (docs/views.md). */
  readonly views: readonly RawView[];
}

/** The operations of a view's `on:` entry, in the order they apply. */
export type ViewOpVerb = 'insert' | 'upsert' | 'update' | 'increment' | 'decrement' | 'list' | 'delete';
export const VIEW_OP_VERBS: readonly ViewOpVerb[] = [
  'insert',
  'upsert',
  'update',
  'increment',
  'decrement',
  'list',
  'delete',
];

/** A value written for a column: an event field, an envelope value (`$id`…) or a constant. */
export type RawViewValue =
  | { readonly kind: 'field'; readonly path: Located<string> }
  | { readonly kind: 'envelope'; readonly name: Located<string> }
  | { readonly kind: 'constant'; readonly value: Located<string | number | boolean | null> };

export interface RawViewAssignment {
  readonly column: Located<string>;
  readonly value: RawViewValue;
}

export interface RawViewOp {
  readonly verb: ViewOpVerb;
  /** The operation's key (`increment:`). */
  readonly range: SourceRange;
  readonly assignments: readonly RawViewAssignment[];
}

export type RawViewHandler =
  | { readonly kind: 'custom'; readonly range: SourceRange }
  | { readonly kind: 'ops'; readonly ops: readonly RawViewOp[] };

/** One `on:` entry: the event as written (`TrickAdded` or `Dog.TrickAdded`) and what it does. */
export interface RawViewOn {
  readonly event: Located<string>;
  readonly handler: RawViewHandler;
}

export interface RawView {
  readonly name: Located<string>;
  readonly description?: string;
  readonly table?: Located<string>;
  readonly columns: readonly RawField[];
  /** The `key:` entry, for problems about the key as a whole. */
  readonly keyRange: SourceRange;
  readonly key: readonly Located<string>[];
  readonly indexes: readonly (readonly Located<string>[])[];
  readonly unique: readonly (readonly Located<string>[])[];
  readonly on: readonly RawViewOn[];
}
