/**
 * Single, semantic edits of a schema file, for the fault-injection test of versioning: every
 * edit that changes what an already stored payload decodes to, at every place it applies, and
 * the compatible edits a schema may make after a release. Edits work on the YAML document
 * (comments and flow style kept) and are listed from the schema itself, so a new field, enum or
 * history entry in an example schema adds the edits of its kind.
 */
import { isMap, isScalar, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';

export type Path = readonly (string | number)[];

export interface SchemaEdit {
  /** The kind of edit, e.g. `retype a field`. */
  readonly kind: string;
  /** Where: `Bank: event Account.Deposited v2 field amount`. */
  readonly where: string;
  readonly apply: (doc: Document) => void;
}

/** The schema text after one edit. */
export function applySchemaEdit(text: string, edit: SchemaEdit): string {
  const doc = parseDocument(text);
  edit.apply(doc);
  return doc.toString();
}

type FieldJs = string | { readonly type: string; readonly default?: unknown; readonly maxLength?: number };
type FieldsJs = Readonly<Record<string, FieldJs>>;
interface HistoryJs {
  readonly fields?: FieldsJs;
  readonly upcast?: Readonly<Record<string, { readonly rename?: string; readonly using?: string }>>;
}
interface PayloadJs {
  readonly version?: number;
  readonly fields?: FieldsJs;
  readonly history?: Readonly<Record<string, HistoryJs>>;
}
interface SchemaJs {
  readonly domain: string;
  readonly upcasters?: string;
  readonly types?: Readonly<Record<string, { readonly enum?: readonly string[]; readonly fields?: FieldsJs }>>;
  readonly aggregates?: Readonly<
    Record<string, { readonly state?: PayloadJs; readonly events?: Readonly<Record<string, PayloadJs | null>> }>
  >;
}

/** A map of fields: one version of a payload, or a value object. */
interface FieldPlace {
  readonly label: string;
  readonly path: Path;
  readonly fields: FieldsJs;
  readonly valueObject: boolean;
}

/** A payload with versions: an aggregate's state or an event. */
interface PayloadPlace {
  readonly label: string;
  readonly path: Path;
  readonly payload: PayloadJs;
}

function readSchema(text: string): SchemaJs {
  return parseDocument(text).toJS() as SchemaJs;
}

function payloadPlaces(schema: SchemaJs): PayloadPlace[] {
  const places: PayloadPlace[] = [];
  for (const [aggregate, a] of Object.entries(schema.aggregates ?? {})) {
    if (a.state !== undefined)
      places.push({ label: `state of ${aggregate}`, path: ['aggregates', aggregate, 'state'], payload: a.state });
    for (const [event, e] of Object.entries(a.events ?? {})) {
      places.push({
        label: `event ${aggregate}.${event}`,
        path: ['aggregates', aggregate, 'events', event],
        payload: e ?? {},
      });
    }
  }
  return places;
}

function fieldPlaces(schema: SchemaJs): FieldPlace[] {
  const places: FieldPlace[] = [];
  for (const [name, type] of Object.entries(schema.types ?? {})) {
    if (type.fields !== undefined)
      places.push({
        label: `value object ${name}`,
        path: ['types', name, 'fields'],
        fields: type.fields,
        valueObject: true,
      });
  }
  for (const p of payloadPlaces(schema)) {
    const version = p.payload.version ?? 1;
    if (p.payload.fields !== undefined) {
      places.push({
        label: `${p.label} v${version}`,
        path: [...p.path, 'fields'],
        fields: p.payload.fields,
        valueObject: false,
      });
    }
    for (const [k, entry] of Object.entries(p.payload.history ?? {})) {
      places.push({
        label: `${p.label} v${k}`,
        path: [...p.path, 'history', Number(k), 'fields'],
        fields: entry.fields ?? {},
        valueObject: false,
      });
    }
  }
  return places;
}

function typeOf(field: FieldJs): string {
  return typeof field === 'string' ? field : field.type;
}

/** `Money[]?` → `Money`, `map<decimal>` → `decimal`. */
function baseType(type: string): string {
  return type
    .replace(/\?$/, '')
    .replace(/\[\]$/, '')
    .replace(/^map<(.*)>$/, '$1');
}

function setType(doc: Document, path: Path, type: string): void {
  const node = doc.getIn(path, true);
  if (isMap(node)) node.set('type', type);
  else doc.setIn(path, type);
}

function renameKey(doc: Document, mapPath: Path, from: string | number, to: string): void {
  const map = doc.getIn(mapPath, true) as YAMLMap;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === from);
  if (pair === undefined) throw new Error(`no key ${from} at ${mapPath.join('.')}`);
  pair.key = doc.createNode(to);
}

/** A default of the same type that differs from `value`. */
function otherDefault(value: unknown, type: string, enums: ReadonlyMap<string, readonly string[]>): unknown {
  const values = enums.get(baseType(type));
  if (values !== undefined) return values.find((v) => v !== value);
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return String(Number(value) + 1);
  if (typeof value === 'string') return `${value}x`;
  return undefined;
}

/** A type no known-safe widening reaches from `type` (docs/versioning.md). */
function incompatibleType(type: string): string {
  const optional = type.endsWith('?') ? '?' : '';
  return (
    (baseType(type) === 'boolean' && !type.includes('[]') && !type.startsWith('map<') ? 'int' : 'boolean') + optional
  );
}

function enumsOf(schema: SchemaJs): Map<string, readonly string[]> {
  const enums = new Map<string, readonly string[]>();
  for (const [name, type] of Object.entries(schema.types ?? {}))
    if (type.enum !== undefined) enums.set(name, type.enum);
  return enums;
}

/** Every single edit that changes what a stored payload of `text` decodes to (or its topic). */
export function decodeChangingEdits(text: string): SchemaEdit[] {
  const schema = readSchema(text);
  const enums = enumsOf(schema);
  const edits: SchemaEdit[] = [];
  const edit = (kind: string, where: string, apply: (doc: Document) => void): void => {
    edits.push({ kind, where: `${schema.domain}: ${where}`, apply });
  };
  const usedTypes = new Set<string>();
  for (const place of fieldPlaces(schema)) {
    const names = Object.keys(place.fields);
    for (const [name, field] of Object.entries(place.fields)) {
      const path = [...place.path, name];
      const type = typeOf(field);
      const where = `${place.label} field ${name}`;
      usedTypes.add(baseType(type));
      edit('retype a field', where, (doc) => setType(doc, path, incompatibleType(type)));
      if (type.endsWith('?'))
        edit('make an optional field required', where, (doc) => setType(doc, path, type.slice(0, -1)));
      if (names.length > 1) edit('remove a field', where, (doc) => doc.deleteIn(path));
      edit('rename a field without `rename:`', where, (doc) => renameKey(doc, place.path, name, `${name}Renamed`));
      const value = typeof field === 'string' ? undefined : field.default;
      const changed = value === undefined ? undefined : otherDefault(value, type, enums);
      if (changed !== undefined) edit('change a default', where, (doc) => doc.setIn([...path, 'default'], changed));
    }
    edit('add a required field in place', place.label, (doc) => doc.setIn([...place.path, 'addedInPlace'], 'string'));
    edit('add a field with a default in place', place.label, (doc) =>
      doc.setIn([...place.path, 'addedInPlace'], doc.createNode({ type: 'string', default: 'x' }, { flow: true })),
    );
  }
  for (const [name, values] of enums) {
    if (!usedTypes.has(name)) continue;
    values.forEach((value, index) => {
      const path = ['types', name, 'enum', index];
      if (values.length > 1) edit('remove an enum value', `enum ${name} value ${value}`, (doc) => doc.deleteIn(path));
      edit('rename an enum value', `enum ${name} value ${value}`, (doc) => doc.setIn(path, `${value}Renamed`));
    });
  }
  for (const p of payloadPlaces(schema)) {
    const version = p.payload.version ?? 1;
    const history = p.payload.history ?? {};
    edit('bump a version without history', p.label, (doc) => doc.setIn([...p.path, 'version'], version + 1));
    if (version > 1) edit('lower a version', p.label, (doc) => doc.setIn([...p.path, 'version'], version - 1));
    for (const [k, entry] of Object.entries(history)) {
      const entryPath = [...p.path, 'history', Number(k)];
      const where = `${p.label} history ${k}`;
      edit('remove a history entry', where, (doc) => doc.deleteIn(entryPath));
      const next =
        Number(k) + 1 === version ? (p.payload.fields ?? {}) : (history[String(Number(k) + 1)]?.fields ?? {});
      for (const field of Object.keys(next)) {
        const declared = entry.upcast?.[field];
        const upcastPath = [...entryPath, 'upcast', field];
        if (declared === undefined) {
          edit('compute a field of a released step with `using:`', `${where} upcast ${field}`, (doc) => {
            if (!doc.has('upcasters')) doc.set('upcasters', './edited.upcasters.ts');
            doc.setIn(upcastPath, doc.createNode({ using: `${field}Recomputed` }, { flow: true }));
          });
          continue;
        }
        edit('remove an upcast entry', `${where} upcast ${field}`, (doc) => doc.deleteIn(upcastPath));
        edit('change an upcast entry', `${where} upcast ${field}`, (doc) =>
          doc.setIn(upcastPath, doc.createNode({ using: `${declared.using ?? field}Changed` }, { flow: true })),
        );
      }
    }
  }
  for (const [aggregate, a] of Object.entries(schema.aggregates ?? {})) {
    edit('rename an aggregate', aggregate, (doc) => renameKey(doc, ['aggregates'], aggregate, `${aggregate}Renamed`));
    for (const event of Object.keys(a.events ?? {})) {
      edit('rename an event', `${aggregate}.${event}`, (doc) =>
        renameKey(doc, ['aggregates', aggregate, 'events'], event, `${event}Renamed`),
      );
      edit('remove an event', `${aggregate}.${event}`, (doc) =>
        doc.deleteIn(['aggregates', aggregate, 'events', event]),
      );
    }
  }
  edit('rename the domain', 'domain', (doc) => doc.set('domain', `${schema.domain}Renamed`));
  return edits;
}

/** Edits a schema may make after a release: new versions with correct history, additions, constraints. */
export function compatibleEdits(text: string): SchemaEdit[] {
  const schema = readSchema(text);
  const edits: SchemaEdit[] = [];
  const edit = (kind: string, where: string, apply: (doc: Document) => void): void => {
    edits.push({ kind, where: `${schema.domain}: ${where}`, apply });
  };
  for (const p of payloadPlaces(schema)) {
    if (p.payload.fields === undefined) continue;
    const version = p.payload.version ?? 1;
    const newVersion = (doc: Document): void => {
      const fields = (doc.getIn([...p.path, 'fields'], true) as YAMLMap).clone() as YAMLMap;
      doc.setIn([...p.path, 'version'], version + 1);
      if (!doc.hasIn([...p.path, 'history'])) doc.setIn([...p.path, 'history'], doc.createNode({}));
      doc.setIn([...p.path, 'history', version], doc.createNode({ fields }));
    };
    edit('add a version with its history', p.label, newVersion);
    edit('add a version with an optional field', p.label, (doc) => {
      newVersion(doc);
      doc.setIn([...p.path, 'fields', 'addedLater'], 'string?');
    });
  }
  for (const [name, type] of Object.entries(schema.types ?? {})) {
    if (type.enum !== undefined)
      edit('add an enum value', `enum ${name}`, (doc) =>
        (doc.getIn(['types', name, 'enum'], true) as YAMLSeq).add(doc.createNode('addedLater')),
      );
    if (type.fields === undefined) continue;
    edit('add an optional value-object field', `value object ${name}`, (doc) =>
      doc.setIn(['types', name, 'fields', 'addedLater'], 'string?'),
    );
    for (const [field, f] of Object.entries(type.fields)) {
      const t = typeOf(f);
      if (!t.endsWith('?'))
        edit('make a value-object field optional', `value object ${name} field ${field}`, (doc) =>
          setType(doc, ['types', name, 'fields', field], `${t}?`),
        );
    }
  }
  for (const place of fieldPlaces(schema)) {
    for (const [name, field] of Object.entries(place.fields)) {
      if (typeOf(field).replace(/\?$/, '') !== 'string') continue;
      const path = [...place.path, name];
      const maxLength = typeof field === 'string' ? undefined : field.maxLength;
      edit('tighten a constraint', `${place.label} field ${name}`, (doc) => {
        if (!isMap(doc.getIn(path, true))) doc.setIn(path, doc.createNode({ type: typeOf(field) }, { flow: true }));
        doc.setIn([...path, 'maxLength'], maxLength === undefined ? 1000 : maxLength - 1);
      });
    }
  }
  for (const aggregate of Object.keys(schema.aggregates ?? {})) {
    edit('add an event', aggregate, (doc) =>
      doc.setIn(
        ['aggregates', aggregate, 'events', 'AddedLater'],
        doc.createNode({ fields: { note: 'string?' }, apply: 'none' }),
      ),
    );
  }
  return edits;
}
