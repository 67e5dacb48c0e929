/**
 * A YAML document → RawDomain (names and values with ranges). The declarations the
 * shape check found broken are left out (`damage`); the rest has the structure the JSON Schema
 * guarantees. It still never throws on surprises (it skips what it does not understand).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { JsonValue } from '../ir/model.js';
import {
  APPLY_VERBS,
  KEYED_VERBS,
  type Located,
  type RawAggregate,
  type RawApply,
  type RawApplyOp,
  type RawApplySource,
  type RawConstraints,
  type RawDomain,
  type RawEvent,
  type RawField,
  type RawHistoryEntry,
  type RawKeyedOp,
  type RawPayload,
  type RawTypeDecl,
  type RawUpcast,
  type RawView,
  type RawViewHandler,
  type RawViewValue,
  VIEW_OP_VERBS,
} from './raw-model.js';
import { keyText, rangeOfNode, type SourceDoc, type SourceRange } from './source-doc.js';
import { isBrokenDeclaration, isBrokenEvent, noDamage, type Damage } from './damage.js';

interface Entry {
  readonly key: string;
  readonly keyNode: Scalar | null;
  readonly value: Node | null;
  readonly keyRange: SourceRange;
}

/** Reads the domain of a parsed schema file, without the declarations `damage` names. */
export function readDomain(source: SourceDoc, damage: Damage = noDamage()): RawDomain {
  const reader = new DomainReader(source, damage);
  return reader.domain();
}

class DomainReader {
  /** Entries of each map, computed once (lookups by key go through them). */
  private readonly entryCache = new Map<Node, Entry[]>();

  constructor(
    private readonly source: SourceDoc,
    private readonly damage: Damage,
  ) {}

  domain(): RawDomain {
    const root = this.source.doc.contents;
    const map = isMap(root) ? root : null;
    const name = this.locatedString(map, 'domain') ?? { value: '', range: rangeOfNode(this.source, root) };
    const description = this.plainString(map, 'description');
    const upcasters = this.locatedString(map, 'upcasters');
    return {
      file: this.source.file,
      name,
      ...(description !== undefined ? { description } : {}),
      ...(upcasters !== undefined ? { upcasters } : {}),
      types: this.declarations(map, 'types').flatMap((e) => this.typeDecl(e)),
      aggregates: this.declarations(map, 'aggregates').map((e) => this.aggregate(e)),
      views: this.entries(this.child(map, 'views')).map((e) => this.view(e)),
    };
  }

  private view(entry: Entry): RawView {
    const map = isMap(entry.value) ? entry.value : null;
    const description = this.plainString(map, 'description');
    const table = this.locatedString(map, 'table');
    const keyEntry = this.entry(map, 'key');
    return {
      name: this.keyLocated(entry),
      ...(description !== undefined ? { description } : {}),
      ...(table !== undefined ? { table } : {}),
      columns: this.fields(this.child(map, 'columns')),
      keyRange: keyEntry?.keyRange ?? entry.keyRange,
      key: this.nameList(keyEntry?.value ?? null),
      indexes: this.nameLists(this.child(map, 'indexes')),
      unique: this.nameLists(this.child(map, 'unique')),
      on: this.entries(this.child(map, 'on')).map((e) => ({ event: this.keyLocated(e), handler: this.viewHandler(e) })),
    };
  }

  private viewHandler(entry: Entry): RawViewHandler {
    if (isScalar(entry.value)) return { kind: 'custom', range: rangeOfNode(this.source, entry.value) };
    const ops = VIEW_OP_VERBS.flatMap((verb) => {
      const op = this.entry(entry.value, verb);
      if (op === undefined) return [];
      const assignments = this.entries(op.value).map((a) => ({
        column: this.keyLocated(a),
        value: this.viewValue(a.value),
      }));
      return [{ verb, range: op.keyRange, assignments }];
    });
    return { kind: 'ops', ops };
  }

  private viewValue(node: Node | null): RawViewValue {
    const range = rangeOfNode(this.source, node);
    const path = this.locatedString(node, 'field');
    if (path !== undefined) return { kind: 'field', path };
    const value = isScalar(node) ? node.value : null;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    if (typeof value === 'string' && value.startsWith('$') && !quoted)
      return { kind: 'envelope', name: { value, range } };
    const constant =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
    return { kind: 'constant', value: { value: constant, range } };
  }

  /** `[a, b]`: names with their ranges. */
  private nameList(node: Node | null): Located<string>[] {
    if (!isSeq(node)) return [];
    return node.items
      .map((item) => this.deref(item as Node))
      .flatMap((item) =>
        isScalar(item) && typeof item.value === 'string'
          ? [{ value: item.value, range: rangeOfNode(this.source, item) }]
          : [],
      );
  }

  private nameLists(node: Node | null): Located<string>[][] {
    if (!isSeq(node)) return [];
    return node.items.map((item) => this.nameList(this.deref(item as Node)));
  }

  private declarations(root: Node | null, section: 'types' | 'aggregates'): Entry[] {
    return this.entries(this.child(root, section)).filter((e) => !isBrokenDeclaration(this.damage, section, e.key));
  }

  private typeDecl(entry: Entry): RawTypeDecl[] {
    if (!isMap(entry.value)) return [];
    const name = this.keyLocated(entry);
    const description = this.plainString(entry.value, 'description');
    const extra = description !== undefined ? { description } : {};
    const enumNode = this.child(entry.value, 'enum');
    if (isSeq(enumNode)) {
      const values = enumNode.items
        .map((item) => this.deref(item as Node))
        .flatMap((item) =>
          isScalar(item) ? [{ value: String(item.value), range: rangeOfNode(this.source, item) }] : [],
        );
      return [{ kind: 'enum', name, values, ...extra }];
    }
    return [{ kind: 'valueObject', name, fields: this.fields(this.child(entry.value, 'fields')), ...extra }];
  }

  private aggregate(entry: Entry): RawAggregate {
    const map = isMap(entry.value) ? entry.value : null;
    const name = this.keyLocated(entry);
    const stateEntry = this.entry(map, 'state');
    const state = stateEntry !== undefined ? this.payload(stateEntry) : emptyPayload(name.range);
    const snapshot = this.child(map, 'snapshot');
    const snapshotEvery = this.locatedNumber(isMap(snapshot) ? snapshot : null, 'every');
    const description = this.plainString(map, 'description');
    const subject = this.locatedString(map, 'subject');
    return {
      name,
      state,
      ...(subject !== undefined ? { subject } : {}),
      events: this.entries(this.child(map, 'events'))
        .filter((e) => !isBrokenEvent(this.damage, name.value, e.key))
        .map((e) => this.event(e)),
      ...(snapshotEvery !== undefined ? { snapshotEvery } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }

  private event(entry: Entry): RawEvent {
    const map = isMap(entry.value) ? entry.value : null;
    const creates = this.locatedBoolean(map, 'creates');
    const discards = this.locatedBoolean(map, 'discards');
    const apply = this.apply(this.entry(map, 'apply'));
    const description = this.plainString(map, 'description');
    const subject = this.locatedString(map, 'subject');
    return {
      name: this.keyLocated(entry),
      payload: this.payload(entry),
      ...(subject !== undefined ? { subject } : {}),
      ...(creates !== undefined ? { creates } : {}),
      ...(discards !== undefined ? { discards } : {}),
      ...(apply !== undefined ? { apply } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }

  /** `version`, `fields` and `history` of an event or of a state. */
  private payload(entry: Entry): RawPayload {
    const map = isMap(entry.value) ? entry.value : null;
    const version = this.locatedNumber(map, 'version');
    return {
      ...(version !== undefined ? { version } : {}),
      fields: this.fields(this.child(map, 'fields')),
      history: this.entries(this.child(map, 'history')).map((e) => this.historyEntry(e)),
      range: entry.keyRange,
    };
  }

  private historyEntry(entry: Entry): RawHistoryEntry {
    const map = isMap(entry.value) ? entry.value : null;
    return {
      version: { value: Number(entry.key), range: entry.keyRange },
      fields: this.fields(this.child(map, 'fields')),
      upcast: this.entries(this.child(map, 'upcast')).map((e) => this.upcast(e)),
    };
  }

  private upcast(entry: Entry): RawUpcast {
    const map = isMap(entry.value) ? entry.value : null;
    const rename = this.locatedString(map, 'rename');
    const using = this.locatedString(map, 'using');
    return {
      field: this.keyLocated(entry),
      ...(rename !== undefined ? { rename } : {}),
      ...(using !== undefined ? { using } : {}),
    };
  }

  private apply(entry: Entry | undefined): RawApply | undefined {
    if (entry === undefined) return undefined;
    const range = rangeOfNode(this.source, entry.value);
    if (isScalar(entry.value))
      return entry.value.value === 'none' ? { kind: 'none', range } : { kind: 'custom', range };
    const ops: RawApplyOp[] = [];
    const map = isMap(entry.value) ? entry.value : null;
    for (const verb of APPLY_VERBS) {
      for (const op of this.entries(this.child(map, verb))) {
        const source = this.applySource(op.value);
        if (source !== undefined)
          ops.push({ verb, stateField: this.keyLocated(op), source: source.value, quoted: source.quoted });
      }
    }
    const keyed = KEYED_VERBS.flatMap((verb) =>
      this.entries(this.child(map, verb)).map((op) => this.keyedOp(verb, op)),
    );
    return { kind: 'ops', range, ops, keyed };
  }

  /** An event field name or a constant, as written. */
  private applySource(node: Node | null): RawApplySource | undefined {
    const value = isScalar(node) ? node.value : null;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    return { value: { value, range: rangeOfNode(this.source, node) }, quoted };
  }

  private keyedOp(verb: RawKeyedOp['verb'], entry: Entry): RawKeyedOp {
    const map = isMap(entry.value) ? entry.value : null;
    const key = this.locatedString(map, 'key');
    const keyFrom = this.entries(this.child(map, 'key'))[0];
    const eventField =
      keyFrom !== undefined && isScalar(keyFrom.value) && typeof keyFrom.value.value === 'string'
        ? { value: keyFrom.value.value, range: rangeOfNode(this.source, keyFrom.value) }
        : undefined;
    const field = this.locatedString(map, 'field');
    const source = this.applySource(this.child(map, verb === 'upsert' ? 'value' : 'by'));
    const ifAbsent = this.locatedString(map, 'ifAbsent');
    return {
      verb,
      stateField: this.keyLocated(entry),
      range: rangeOfNode(this.source, entry.value),
      ...(key !== undefined ? { key } : {}),
      ...(keyFrom !== undefined && eventField !== undefined
        ? { keyFrom: { elementField: this.keyLocated(keyFrom), eventField } }
        : {}),
      ...(field !== undefined ? { field } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(ifAbsent !== undefined ? { ifAbsent } : {}),
    };
  }

  private fields(node: Node | null): RawField[] {
    return this.entries(node).map((entry) => this.field(entry));
  }

  private field(entry: Entry): RawField {
    const name = this.keyLocated(entry);
    if (isScalar(entry.value)) {
      return {
        name,
        type: { value: String(entry.value.value), range: rangeOfNode(this.source, entry.value) },
        constraints: {},
        pii: false,
      };
    }
    const map = isMap(entry.value) ? entry.value : null;
    const type = this.locatedString(map, 'type') ?? { value: '', range: name.range };
    const defaultEntry = this.entry(map, 'default');
    const redactedEntry = this.entry(map, 'redacted');
    const description = this.plainString(map, 'description');
    const constraints: RawConstraints = {
      ...optional('minLength', this.locatedNumber(map, 'minLength')),
      ...optional('maxLength', this.locatedNumber(map, 'maxLength')),
      ...optional('pattern', this.locatedString(map, 'pattern')),
      ...optional('min', this.locatedBound(map, 'min')),
      ...optional('max', this.locatedBound(map, 'max')),
    };
    return {
      name,
      type,
      constraints,
      ...(defaultEntry !== undefined
        ? { default: { value: this.toJson(defaultEntry.value), range: rangeOfNode(this.source, defaultEntry.value) } }
        : {}),
      pii: this.locatedBoolean(map, 'pii')?.value ?? false,
      ...(redactedEntry !== undefined
        ? {
            redacted: {
              value: this.toJson(redactedEntry.value),
              range: rangeOfNode(this.source, redactedEntry.value),
            },
          }
        : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }

  // --- helpers over YAML nodes ---

  private entries(node: Node | null | undefined): Entry[] {
    if (!isMap(node)) return [];
    const cached = this.entryCache.get(node);
    if (cached !== undefined) return cached;
    const entries = (node as YAMLMap).items.flatMap((pair: Pair) => {
      if (!isPair(pair)) return [];
      const keyNode = isScalar(pair.key) ? pair.key : null;
      return [
        {
          key: keyText(pair.key),
          keyNode,
          value: this.deref((pair.value as Node | null) ?? null),
          keyRange: rangeOfNode(this.source, keyNode),
        },
      ];
    });
    this.entryCache.set(node, entries);
    return entries;
  }

  private entry(map: Node | null | undefined, key: string): Entry | undefined {
    return this.entries(map).find((e) => e.key === key);
  }

  /** An alias (`*common`) stands for the node it names; the shape check saw it expanded too. */
  private deref(node: Node | null): Node | null {
    if (!isAlias(node)) return node;
    return (node.resolve(this.source.doc) as Node | undefined) ?? null;
  }

  private child(map: Node | null | undefined, key: string): Node | null {
    return this.entry(map, key)?.value ?? null;
  }

  private keyLocated(entry: Entry): Located<string> {
    return { value: entry.key, range: entry.keyRange };
  }

  private scalar(map: Node | null, key: string): Scalar | null {
    const node = this.child(map, key);
    return isScalar(node) ? node : null;
  }

  private locatedString(map: Node | null, key: string): Located<string> | undefined {
    const node = this.scalar(map, key);
    return node !== null && typeof node.value === 'string'
      ? { value: node.value, range: rangeOfNode(this.source, node) }
      : undefined;
  }

  private plainString(map: Node | null, key: string): string | undefined {
    return this.locatedString(map, key)?.value;
  }

  private locatedNumber(map: Node | null, key: string): Located<number> | undefined {
    const node = this.scalar(map, key);
    return node !== null && typeof node.value === 'number'
      ? { value: node.value, range: rangeOfNode(this.source, node) }
      : undefined;
  }

  private locatedBoolean(map: Node | null, key: string): Located<boolean> | undefined {
    const node = this.scalar(map, key);
    return node !== null && typeof node.value === 'boolean'
      ? { value: node.value, range: rangeOfNode(this.source, node) }
      : undefined;
  }

  /** `min`/`max`: a number, or a numeric string (exact decimal or bigint bounds). */
  private locatedBound(map: Node | null, key: string): Located<{ number: number; text: string }> | undefined {
    const node = this.scalar(map, key);
    if (node === null) return undefined;
    const range = rangeOfNode(this.source, node);
    if (typeof node.value === 'string')
      return { value: { number: Number(node.value), text: node.value.trim() }, range };
    if (typeof node.value === 'number') {
      // The written digits, so `0.10000000000000001` or a 20-digit bigint bound keep their precision.
      const written =
        node.range !== null && node.range !== undefined
          ? this.source.text.slice(node.range[0], node.range[1]).trim()
          : String(node.value);
      const text = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(written) ? written.replace(/^\+/, '') : String(node.value);
      return { value: { number: node.value, text }, range };
    }
    return undefined;
  }

  private toJson(node: Node | null): JsonValue {
    if (node === null) return null;
    return node.toJS(this.source.doc) as JsonValue;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function emptyPayload(range: SourceRange): RawPayload {
  return { fields: [], history: [], range };
}
