/**
 * The intermediate representation: the only input emitters get.
 *
 * Every node is a readonly plain object tagged with a literal `kind` and suffixed `Def`
 * so it never collides with generated names. The IR is normalized and complete: defaults
 * are filled, references resolved, history steps derived, and every list has a deterministic
 * order: fields (and enum values) in declaration order, every other list sorted by name or by
 * version. No YAML nodes and no code strings go in it.
 */

/** Where a node was declared: for diagnostics raised after the IR is built (e.g. `check --against`). */
export interface SourceSpan {
  /** Schema path as given to the compiler, with forward slashes. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** 0-based character offset. */
  readonly offset: number;
}

export type ScalarKind =
  | 'string'
  | 'int'
  | 'float'
  | 'decimal'
  | 'bigint'
  | 'boolean'
  | 'uuid'
  | 'datetime'
  | 'date'
  | 'bytes'
  | 'json';

export const SCALAR_KINDS: readonly ScalarKind[] = [
  'string',
  'int',
  'float',
  'decimal',
  'bigint',
  'boolean',
  'uuid',
  'datetime',
  'date',
  'bytes',
  'json',
];

/** A resolved type. Optionality is a property of the field, not of the type. */
export type TypeRef =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'valueObject'; readonly name: string }
  | { readonly kind: 'list'; readonly element: TypeRef }
  | { readonly kind: 'map'; readonly value: TypeRef };

/** A JSON value as written in the schema (defaults, `set` constants). Emitters convert it per type. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface ConstraintsDef {
  readonly minLength?: number;
  readonly maxLength?: number;
  /** ECMAScript regular expression source, without slashes. */
  readonly pattern?: string;
  /** Inclusive bounds; for decimal and bigint fields, the schema's exact text is kept in `minText`/`maxText`. */
  readonly min?: number;
  readonly max?: number;
  readonly minText?: string;
  readonly maxText?: string;
}

export interface FieldDef {
  readonly kind: 'field';
  readonly name: string;
  readonly type: TypeRef;
  /** `T?`: the field may be absent. */
  readonly optional: boolean;
  /** Checked against type and constraints by the compiler. Absent when no default is declared. */
  readonly default?: JsonValue;
  readonly constraints: ConstraintsDef;
  /** Personal data: encrypted with its subject's data key, unreadable once the subject is forgotten. */
  readonly pii: boolean;
  /** Personal fields: what the field reads as once its subject is forgotten; the Redacted marker when absent. */
  readonly redacted?: JsonValue;
  readonly description?: string;
  readonly span: SourceSpan;
}

export interface EnumDef {
  readonly kind: 'enum';
  readonly name: string;
  /** In declaration order (the order is part of the type's meaning, e.g. for docs). */
  readonly values: readonly string[];
  readonly description?: string;
  readonly span: SourceSpan;
}

export interface ValueObjectDef {
  readonly kind: 'valueObject';
  readonly name: string;
  /** In declaration order. */
  readonly fields: readonly FieldDef[];
  readonly description?: string;
  readonly span: SourceSpan;
}

/** How one field of version N+1 gets its value from a payload of version N. */
export type UpcastOpDef =
  /** Same name, same type: copied. */
  | { readonly kind: 'keep'; readonly field: string }
  /** New optional field (left absent) or new field with a default (filled). */
  | { readonly kind: 'add'; readonly field: string; readonly default?: JsonValue }
  /** Field of version N that version N+1 no longer has. */
  | { readonly kind: 'drop'; readonly field: string }
  /** `rename: old`: the value of `from` in version N becomes `field`. */
  | { readonly kind: 'rename'; readonly field: string; readonly from: string }
  /** `using: fn`: a hand-written function `(previous: XVn) => XVn1[field]` computes the value. */
  | { readonly kind: 'custom'; readonly field: string; readonly functionName: string };

/** The step from `from` to `to` (= from + 1). Ops sorted by field name (drops last). */
export interface UpcastStepDef {
  readonly kind: 'upcastStep';
  readonly from: number;
  readonly to: number;
  readonly ops: readonly UpcastOpDef[];
}

/** One version of a payload (an event's fields, or an aggregate's state). */
export interface PayloadVersionDef {
  readonly kind: 'payloadVersion';
  readonly version: number;
  /** In declaration order. */
  readonly fields: readonly FieldDef[];
  /** How to reach version + 1. Absent on the current version. */
  readonly upcast?: UpcastStepDef;
  readonly span: SourceSpan;
}

/** Where an `apply` op takes its value from. */
export type ApplySourceDef =
  | { readonly kind: 'eventField'; readonly field: string }
  | { readonly kind: 'constant'; readonly value: JsonValue };

export type ApplyOpDef =
  | { readonly kind: 'assign'; readonly stateField: string; readonly source: ApplySourceDef }
  | { readonly kind: 'push'; readonly stateField: string; readonly source: ApplySourceDef }
  | { readonly kind: 'remove'; readonly stateField: string; readonly source: ApplySourceDef }
  | { readonly kind: 'increment'; readonly stateField: string; readonly source: ApplySourceDef }
  | { readonly kind: 'decrement'; readonly stateField: string; readonly source: ApplySourceDef }
  | KeyedOpDef;

/**
 * Which element a keyed operation changes. In a list (of value objects): the elements whose
 * `elementField` equals the key; in a map: the entry at the key.
 */
export interface ElementKeyDef {
  /** List only: the element's field compared with the key. */
  readonly elementField?: string;
  /** The event field holding the key; absent for upsert into a list, where the value carries its own key. */
  readonly eventField?: string;
}

/**
 * An operation on one element of a list or map state field, found by key. upsert replaces the
 * first element with the value's key (dropping later ones with that key) or appends it;
 * incrementAt/decrementAt change a number of the first element with the key (`field` names it in
 * a value object), creating the element from defaults when it is absent and `createIfAbsent`;
 * removeAt removes every element with the key.
 */
export type KeyedOpDef =
  | {
      readonly kind: 'upsert';
      readonly stateField: string;
      readonly key: ElementKeyDef;
      readonly source: ApplySourceDef;
    }
  | {
      readonly kind: 'incrementAt' | 'decrementAt';
      readonly stateField: string;
      readonly key: ElementKeyDef;
      readonly field?: string;
      readonly source: ApplySourceDef;
      readonly createIfAbsent: boolean;
    }
  | { readonly kind: 'removeAt'; readonly stateField: string; readonly key: ElementKeyDef };

/**
 * How an event changes state.
 * - declarative: the generated base class applies the ops in order.
 * - custom: the base class declares an abstract handler the hand-written subclass must implement.
 * - none: the event is recorded and changes no state.
 */
export type ApplyDef =
  | { readonly kind: 'declarative'; readonly ops: readonly ApplyOpDef[] }
  | { readonly kind: 'custom' }
  | { readonly kind: 'none' };

export interface EventDef {
  readonly kind: 'event';
  /** PascalCase, past tense: `TrickAdded`. */
  readonly name: string;
  readonly aggregate: string;
  /** Stable stored name: `<Domain>.<Aggregate>.<Event>`. */
  readonly topic: string;
  /** Current schema version (1 when the event has no history). */
  readonly version: number;
  /** Fields of the current version, in declaration order. */
  readonly fields: readonly FieldDef[];
  /** Every version 1..version, ascending; the last one has the current fields and no `upcast`. */
  readonly versions: readonly PayloadVersionDef[];
  /** A creation event starts a stream; an aggregate has at least one. */
  readonly creates: boolean;
  /** After a discarding event the aggregate is gone: the repository no longer finds it. */
  readonly discards: boolean;
  readonly apply: ApplyDef;
  /** The field holding the subject of the event's personal fields (its own, or the aggregate's); the aggregate id when absent. */
  readonly subject?: string;
  readonly description?: string;
  readonly span: SourceSpan;
}

export interface StateDef {
  readonly kind: 'state';
  /** Current schema version of the state (what snapshots store). */
  readonly version: number;
  /** Fields of the current version, in declaration order. */
  readonly fields: readonly FieldDef[];
  /** Every version 1..version, ascending (as for events). */
  readonly versions: readonly PayloadVersionDef[];
  readonly span: SourceSpan;
}

export interface SnapshotPolicyDef {
  /** Take a snapshot when a save crosses a multiple of this many events. */
  readonly every: number;
}

export interface AggregateDef {
  readonly kind: 'aggregate';
  /** PascalCase noun: `Dog`. */
  readonly name: string;
  /** Stable stored name of the aggregate (snapshots): `<Domain>.<Aggregate>`. */
  readonly topic: string;
  readonly state: StateDef;
  /** Sorted by name. */
  readonly events: readonly EventDef[];
  readonly snapshot?: SnapshotPolicyDef;
  /** The state field holding the subject of the state's personal fields; the aggregate id when absent. */
  readonly subject?: string;
  readonly description?: string;
  readonly span: SourceSpan;
}

export interface DomainDef {
  readonly kind: 'domain';
  /** PascalCase: `DogSchool`. */
  readonly name: string;
  /** The schema file, as given to the compiler, with forward slashes. */
  readonly sourcePath: string;
  /**
   * The hand-written module holding custom upcaster functions, as a path relative to the
   * schema file's folder (e.g. `./bank.upcasters.ts`). Absent when no upcaster is custom.
   */
  readonly upcastersModule?: string;
  /** Sorted by name. */
  readonly enums: readonly EnumDef[];
  /** Sorted by name. */
  readonly valueObjects: readonly ValueObjectDef[];
  /** Sorted by name. */
  readonly aggregates: readonly AggregateDef[];
  /** Read models, sorted by name. */
  readonly views: readonly ViewDef[];
  readonly description?: string;
  readonly span: SourceSpan;
}

/** Where a view operation takes a column's value from. */
export type ViewValueDef =
  /** A field of the event's payload; more than one name reads into value objects. */
  | { readonly kind: 'eventField'; readonly path: readonly string[] }
  /** The stream id (`$id`), the event's stream version (`$version`), its timestamp (`$timestamp`). */
  | { readonly kind: 'envelope'; readonly name: 'id' | 'version' | 'timestamp' }
  | { readonly kind: 'constant'; readonly value: JsonValue };

export interface ViewAssignmentDef {
  readonly column: string;
  readonly value: ViewValueDef;
}

/**
 * One operation on the view's rows. The assignments to key columns name the row; the others
 * are the values inserted, set, added, subtracted or appended. In declaration order.
 */
export interface ViewOpDef {
  readonly kind: 'insert' | 'upsert' | 'update' | 'increment' | 'decrement' | 'list' | 'delete';
  readonly assignments: readonly ViewAssignmentDef[];
}

/** What one consumed event does: declarative operations in the fixed order, or a hand-written method. */
export type ViewHandlerDef =
  | { readonly kind: 'declarative'; readonly ops: readonly ViewOpDef[] }
  | { readonly kind: 'custom' };

export interface ViewOnDef {
  readonly kind: 'viewOn';
  readonly aggregate: string;
  readonly event: string;
  /** The event's topic: `<Domain>.<Aggregate>.<Event>`. */
  readonly topic: string;
  readonly handler: ViewHandlerDef;
}

/** A read model declared under `views:`: a table kept up to date from events. */
export interface ViewDef {
  readonly kind: 'view';
  /** PascalCase: `DogTricks`. */
  readonly name: string;
  /** The SQL table name. */
  readonly table: string;
  /** In declaration order; scalars, enums and lists of them (stored as JSON). */
  readonly columns: readonly FieldDef[];
  /** The primary key's columns, as written. */
  readonly key: readonly string[];
  /**
   * The key column every operation writing personal data fills from the event's subject: `forget`
   * scrubs the personal columns (`pii`, with their `redacted` placeholder) of the rows it names.
   */
  readonly subjectColumn?: string;
  readonly indexes: readonly (readonly string[])[];
  readonly unique: readonly (readonly string[])[];
  /** Sorted by topic. */
  readonly on: readonly ViewOnDef[];
  readonly description?: string;
  readonly span: SourceSpan;
}

/** Everything one compiler run knows: the domains, sorted by name. */
export interface ProjectDef {
  readonly kind: 'project';
  readonly domains: readonly DomainDef[];
}

export type IrNode =
  | ProjectDef
  | DomainDef
  | AggregateDef
  | StateDef
  | EventDef
  | PayloadVersionDef
  | UpcastStepDef
  | ValueObjectDef
  | EnumDef
  | FieldDef
  | ViewDef;
