/**
 * The views of a domain (`views:`) resolved against its events and their own columns: which
 * event each `on:` entry names (EF600), which column each value goes to (EF601), whether the
 * value fits (EF602, EF604, EF608), whether the row is named (EF603) and every required column
 * filled (EF606), whether a column can be stored (EF605) and used by the operation (EF607), and
 * what is declared twice (EF609); personal data in views is view-personal.ts (EF610–EF612). The
 * result is the IR's ViewDef, built once here.
 */
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../did-you-mean.js';
import { buildFields, spanOf } from '../ir/build-field.js';
import type {
  JsonValue,
  TypeRef,
  ViewAssignmentDef,
  ViewDef,
  ViewHandlerDef,
  ViewOnDef,
  ViewOpDef,
  ViewValueDef,
} from '../ir/model.js';
import type { Located, RawDomain, RawView, RawViewAssignment, RawViewOp } from '../load/raw-model.js';
import { errorAt } from '../load/source-doc.js';
import { resolveFields, type ResolvedFieldInfo } from './apply-source.js';
import { checkValue } from './check-value.js';
import { findViewEvent } from './view-events.js';
import { resolveViewPersonalData } from './view-personal.js';
import { formatType, isNumeric, resolveFieldType, sameType, type TypeTable } from './resolve-types.js';

/** A column's resolved type. */
interface Column {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional: boolean;
  readonly hasDefault: boolean;
}

interface ViewScope {
  readonly file: string;
  readonly view: RawView;
  readonly columns: ReadonlyMap<string, Column>;
  readonly key: ReadonlySet<string>;
  readonly table: TypeTable;
  readonly diagnostics: Diagnostic[];
}

const ENVELOPE: Readonly<Record<string, { name: 'id' | 'version' | 'timestamp'; type: TypeRef[]; text: string }>> = {
  $id: {
    name: 'id',
    type: [
      { kind: 'scalar', scalar: 'uuid' },
      { kind: 'scalar', scalar: 'string' },
    ],
    text: 'the stream id (uuid)',
  },
  $version: {
    name: 'version',
    type: [
      { kind: 'scalar', scalar: 'int' },
      { kind: 'scalar', scalar: 'bigint' },
    ],
    text: 'the stream version (int)',
  },
  $timestamp: { name: 'timestamp', type: [{ kind: 'scalar', scalar: 'datetime' }], text: 'the timestamp (datetime)' },
};

/** Resolves every view of the domain; views with problems are left out of the result. */
export function resolveViews(raw: RawDomain, table: TypeTable): { views: ViewDef[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const views: ViewDef[] = [];
  const tables = new Map<string, string>();
  for (const view of raw.views) {
    const before = diagnostics.length;
    const built = resolveView(raw, view, table, diagnostics);
    const tableName = view.table?.value ?? snakeCase(view.name.value);
    const other = tables.get(tableName);
    if (other !== undefined)
      diagnostics.push(
        errorAt(
          raw.file,
          (view.table ?? view.name).range,
          'EF609',
          `view ${view.name.value} uses the table "${tableName}" that view ${other} uses too`,
          'give one of them its own `table:` name',
        ),
      );
    else tables.set(tableName, view.name.value);
    if (built !== undefined && diagnostics.length === before) views.push(built);
  }
  return { views, diagnostics };
}

/** `DogTricks` → `dog_tricks`: a view's table name when none is written. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function resolveView(raw: RawDomain, view: RawView, table: TypeTable, diagnostics: Diagnostic[]): ViewDef | undefined {
  const file = raw.file;
  const columns = new Map<string, Column>();
  for (const field of view.columns) {
    const resolved = resolveFieldType(field, table);
    if (!resolved.ok) continue; // reported by the type rules
    if (!storable(resolved.type)) {
      diagnostics.push(
        errorAt(
          file,
          field.type.range,
          'EF605',
          `column "${field.name.value}" of view ${view.name.value} is ${formatType(resolved.type)}, which a view cannot store`,
          'use scalars, enums or lists of them; store a value object field by field, or as `json`',
        ),
      );
      continue;
    }
    columns.set(field.name.value, {
      name: field.name.value,
      type: resolved.type,
      optional: resolved.optional,
      hasDefault: field.default !== undefined,
    });
  }
  const scope: ViewScope = { file, view, columns, key: new Set(view.key.map((k) => k.value)), table, diagnostics };
  for (const name of view.key) {
    const column = knownColumn(scope, name);
    if (column !== undefined && (column.optional || column.type.kind === 'list' || isJson(column.type)))
      diagnostics.push(
        errorAt(
          file,
          name.range,
          'EF605',
          `key column "${name.value}" of view ${view.name.value} is ${formatType(column.type, column.optional)}: a key column must be a required scalar or enum`,
          'make the column required (no `?`), or key the view by other columns',
        ),
      );
  }
  for (const list of [...view.indexes, ...view.unique]) for (const name of list) knownColumn(scope, name);
  const on: ViewOnDef[] = [];
  const seen = new Map<string, string>();
  for (const entry of view.on) {
    const viewEvent = findViewEvent(raw, entry.event);
    const found =
      viewEvent === undefined ? undefined : { aggregate: viewEvent.aggregate.name.value, event: viewEvent.event };
    if (found === undefined) {
      const candidates = raw.aggregates.flatMap((a) => a.events.map((e) => `${a.name.value}.${e.name.value}`));
      const bare = entry.event.value.includes('.') ? candidates : candidates.map((c) => c.split('.')[1] ?? c);
      diagnostics.push(
        errorAt(
          file,
          entry.event.range,
          'EF600',
          `view ${view.name.value} consumes "${entry.event.value}", which is no event of domain ${raw.name.value}`,
          didYouMean(entry.event.value, bare) ??
            `name an event as \`Event\` or \`Aggregate.Event\` (${bare.join(', ')})`,
        ),
      );
      continue;
    }
    const topic = `${raw.name.value}.${found.aggregate}.${found.event.name.value}`;
    const label = `${found.aggregate}.${found.event.name.value}`;
    if (seen.has(topic)) {
      diagnostics.push(
        errorAt(
          file,
          entry.event.range,
          'EF609',
          `view ${view.name.value} handles event ${label} twice (also as "${seen.get(topic)}")`,
          'merge the two entries into one',
        ),
      );
      continue;
    }
    seen.set(topic, entry.event.value);
    const eventFields = resolveFields(found.event.payload.fields, table);
    const handler: ViewHandlerDef =
      entry.handler.kind === 'custom'
        ? { kind: 'custom' }
        : { kind: 'declarative', ops: entry.handler.ops.map((op) => resolveOp(scope, label, eventFields, op)) };
    on.push({ kind: 'viewOn', aggregate: found.aggregate, event: found.event.name.value, topic, handler });
  }
  on.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  // A column whose type does not resolve is reported by the type rules; the view is not built.
  if (view.columns.some((c) => !resolveFieldType(c, table).ok)) return undefined;
  const personal = resolveViewPersonalData(
    raw,
    view,
    table,
    (name) => columns.get(name)?.optional === true,
    diagnostics,
  );
  return {
    kind: 'view',
    name: view.name.value,
    table: view.table?.value ?? snakeCase(view.name.value),
    // A column filled from personal data is personal, marked or not, and holds its placeholder once forgotten.
    columns: buildFields(file, view.columns, table).map((c) => {
      const placeholder = personal.placeholders.get(c.name);
      return placeholder === undefined ? c : { ...c, pii: true, redacted: placeholder };
    }),
    ...(personal.subjectColumn !== undefined ? { subjectColumn: personal.subjectColumn } : {}),
    key: view.key.map((k) => k.value),
    indexes: view.indexes.map((list) => list.map((c) => c.value)),
    unique: view.unique.map((list) => list.map((c) => c.value)),
    on,
    ...(view.description !== undefined ? { description: view.description } : {}),
    span: spanOf(file, view.name.range),
  };
}

/** Scalars (json too), enums, and lists of scalars or enums (stored as JSON). */
function storable(type: TypeRef): boolean {
  if (type.kind === 'list') return type.element.kind === 'scalar' || type.element.kind === 'enum';
  return type.kind === 'scalar' || type.kind === 'enum';
}

function isJson(type: TypeRef): boolean {
  return type.kind === 'scalar' && type.scalar === 'json';
}

/** The column a name refers to, or undefined after reporting EF601 (silently when its type did not resolve). */
function knownColumn(scope: ViewScope, name: Located<string>): Column | undefined {
  const column = scope.columns.get(name.value);
  if (column !== undefined) return column;
  if (scope.view.columns.some((c) => c.name.value === name.value)) return undefined;
  scope.diagnostics.push(
    errorAt(
      scope.file,
      name.range,
      'EF601',
      `view ${scope.view.name.value} has no column "${name.value}"`,
      didYouMean(name.value, scope.columns.keys()) ?? `declare it under \`columns:\` of view ${scope.view.name.value}`,
    ),
  );
  return undefined;
}

function resolveOp(
  scope: ViewScope,
  eventLabel: string,
  eventFields: ReadonlyMap<string, ResolvedFieldInfo>,
  op: RawViewOp,
): ViewOpDef {
  const where = `\`${op.verb}\` in view ${scope.view.name.value} on ${eventLabel}`;
  const assignments: ViewAssignmentDef[] = [];
  for (const assignment of op.assignments) {
    const column = knownColumn(scope, assignment.column);
    if (column === undefined) continue;
    if (!usableBy(scope, op, assignment, column, where)) continue;
    const target =
      op.verb === 'list' && column.type.kind === 'list' && !scope.key.has(column.name)
        ? { type: column.type.element, optional: false }
        : { type: column.type, optional: column.optional };
    const value = resolveValue(scope, where, eventFields, assignment, target);
    if (value !== undefined) assignments.push({ column: column.name, value });
  }
  const set = new Set(op.assignments.map((a) => a.column.value));
  const missingKey = [...scope.key].filter((k) => !set.has(k) && scope.columns.has(k));
  if (missingKey.length > 0)
    scope.diagnostics.push(
      errorAt(
        scope.file,
        op.range,
        'EF603',
        `${where} does not say which row: the key column${missingKey.length > 1 ? 's' : ''} ${missingKey.map((k) => `"${k}"`).join(', ')} ${missingKey.length > 1 ? 'are' : 'is'} not set`,
        `set every key column, e.g. \`${missingKey[0]}: $id\` or \`${missingKey[0]}: { field: … }\``,
      ),
    );
  if (op.verb === 'insert' || op.verb === 'upsert') {
    const missing = [...scope.columns.values()].filter((c) => !c.optional && !c.hasDefault && !set.has(c.name));
    const unset = missing.filter((c) => !scope.key.has(c.name) && c.type.kind !== 'list');
    if (unset.length > 0)
      scope.diagnostics.push(
        errorAt(
          scope.file,
          op.range,
          'EF606',
          `${where} leaves the required column${unset.length > 1 ? 's' : ''} ${unset.map((c) => `"${c.name}"`).join(', ')} without a value`,
          'set it, give the column a `default`, or make it optional (`T?`)',
        ),
      );
  }
  return { kind: op.verb, assignments };
}

/** Whether the operation may write the column (EF607 when not). */
function usableBy(
  scope: ViewScope,
  op: RawViewOp,
  assignment: RawViewAssignment,
  column: Column,
  where: string,
): boolean {
  if (scope.key.has(column.name)) return true;
  const refuse = (problem: string, hint: string): false => {
    scope.diagnostics.push(errorAt(scope.file, assignment.column.range, 'EF607', `${where}: ${problem}`, hint));
    return false;
  };
  switch (op.verb) {
    case 'delete':
      return refuse(
        `"${column.name}" is not a key column, and \`delete\` only names the row`,
        `set only the key columns (${[...scope.key].join(', ')})`,
      );
    case 'increment':
    case 'decrement':
      return isNumeric(column.type) && !column.optional
        ? true
        : refuse(
            `"${column.name}" is ${formatType(column.type, column.optional)}, not a required number`,
            'increment and decrement change required int, float, decimal or bigint columns; use `update` to set others',
          );
    case 'list':
      return column.type.kind === 'list'
        ? true
        : refuse(
            `"${column.name}" is ${formatType(column.type, column.optional)}, not a list`,
            'declare the column as a list (e.g. `string[]`), or use `update`',
          );
    default:
      return true;
  }
}

function resolveValue(
  scope: ViewScope,
  where: string,
  eventFields: ReadonlyMap<string, ResolvedFieldInfo>,
  assignment: RawViewAssignment,
  target: { readonly type: TypeRef; readonly optional: boolean },
): ViewValueDef | undefined {
  const { file, diagnostics } = scope;
  const column = assignment.column.value;
  const expected = formatType(target.type, target.optional);
  const mismatch = (range: Located<unknown>['range'], what: string, hint: string): undefined => {
    diagnostics.push(
      errorAt(file, range, 'EF602', `${where}: ${what} does not fit column "${column}" (${expected})`, hint),
    );
    return undefined;
  };
  const value = assignment.value;
  switch (value.kind) {
    case 'envelope': {
      const envelope = ENVELOPE[value.name.value];
      if (envelope === undefined) {
        diagnostics.push(
          errorAt(
            file,
            value.name.range,
            'EF608',
            `${where}: "${value.name.value}" is not a value of the event's envelope`,
            didYouMean(value.name.value, Object.keys(ENVELOPE)) ??
              'write $id, $version or $timestamp; quote a constant that starts with $',
          ),
        );
        return undefined;
      }
      if (!envelope.type.some((t) => sameType(t, target.type)))
        return mismatch(
          value.name.range,
          `${value.name.value}, ${envelope.text},`,
          'declare the column with that type',
        );
      return { kind: 'envelope', name: envelope.name };
    }
    case 'field': {
      const found = fieldAtPath(scope.table, eventFields, value.path.value);
      if (typeof found === 'string') {
        diagnostics.push(
          errorAt(
            file,
            value.path.range,
            'EF604',
            `${where}: ${found}`,
            didYouMean(value.path.value, eventFields.keys()) ??
              `the event's fields: ${[...eventFields.keys()].join(', ') || '(none)'}`,
          ),
        );
        return undefined;
      }
      if (!sameType(found.type, target.type) || (found.optional && !target.optional))
        return mismatch(
          value.path.range,
          `event field "${value.path.value}" (${formatType(found.type, found.optional)})`,
          found.optional && sameType(found.type, target.type)
            ? 'make the column optional (`T?`): the event field may be absent'
            : "use an event field of the column's type, or change the column's type",
        );
      return { kind: 'eventField', path: value.path.value.split('.') };
    }
    case 'constant': {
      const constant: JsonValue = value.value.value;
      if (constant === null)
        return target.optional
          ? { kind: 'constant', value: null }
          : mismatch(value.value.range, 'null', 'only an optional column (`T?`) may be set to null');
      const problem = checkValue(constant, target.type, {}, scope.table);
      if (problem !== undefined)
        return mismatch(
          value.value.range,
          `the constant (${problem.message})`,
          problem.hint ?? "write a value of the column's type, or `{ field: name }` for an event field",
        );
      return { kind: 'constant', value: constant };
    }
  }
}

/** The field at a dotted path of the event (into value objects), or what is wrong with the path. */
function fieldAtPath(
  table: TypeTable,
  eventFields: ReadonlyMap<string, ResolvedFieldInfo>,
  path: string,
): { type: TypeRef; optional: boolean } | string {
  const [first, ...rest] = path.split('.');
  let field = eventFields.get(first ?? '');
  if (field === undefined) return `the event has no field "${first}"`;
  let current: { type: TypeRef; optional: boolean } = { type: field.type, optional: field.optional };
  let walked = first ?? '';
  for (const name of rest) {
    if (current.type.kind !== 'valueObject')
      return `"${walked}" is ${formatType(current.type)}, not a value object, so it has no field "${name}"`;
    const objectFields = resolveFields(table.valueObjects.get(current.type.name)?.fields ?? [], table);
    field = objectFields.get(name);
    if (field === undefined) return `${current.type.name} ("${walked}") has no field "${name}"`;
    current = { type: field.type, optional: current.optional || field.optional };
    walked = `${walked}.${name}`;
  }
  return current;
}
