/**
 * Personal data in a view (docs/views.md, "Personal data in views"): which columns hold it
 * (marked `pii`, or filled from personal event fields), what each reads as once its subject is
 * forgotten (EF610 when nothing can stand in), and which key column names each row's subject,
 * so that `forget` finds the rows to scrub (EF611 when no key column does, or not the same one
 * in every operation; EF612 a key column filled from personal data, which nothing can replace).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { JsonValue } from '../ir/model.js';
import type { RawDomain, RawView, RawViewAssignment, RawViewOp } from '../load/raw-model.js';
import { errorAt } from '../load/source-doc.js';
import { eventSubject } from '../load/payload-subject.js';
import { holdsPersonalData, personalPath, viewPersonalInflows } from './personal-flow.js';
import type { TypeTable } from './resolve-types.js';
import { findViewEvent, type ViewEvent } from './view-events.js';

export interface ViewPersonalData {
  /** Personal column → what it holds once its subject is forgotten (null: an optional column without `redacted:`). */
  readonly placeholders: ReadonlyMap<string, JsonValue>;
  /** The key column holding the subject of each row's personal data. */
  readonly subjectColumn?: string;
}

/** The view's personal columns and its subject column; problems are added to `diagnostics`. */
export function resolveViewPersonalData(
  raw: RawDomain,
  view: RawView,
  table: TypeTable,
  optional: (column: string) => boolean,
  diagnostics: Diagnostic[],
): ViewPersonalData {
  const file = raw.file;
  const name = view.name.value;
  const inflows = viewPersonalInflows(raw, view, table);
  const key = new Set(view.key.map((k) => k.value));
  const placeholders = new Map<string, JsonValue>();
  for (const column of view.columns) {
    const from = inflows.get(column.name.value);
    if (!column.pii && from === undefined) continue;
    const origin = from === undefined ? 'marked `pii: true`' : `from ${from.join(', ')}`;
    if (key.has(column.name.value)) {
      diagnostics.push(
        errorAt(
          file,
          column.name.range,
          'EF612',
          `key column "${column.name.value}" of view ${name} holds personal data (${origin}): a key cannot be replaced once its subject is forgotten`,
          "key the view by the subject's id (`$id`, or the event's `subject:` field) and keep the personal value in a column of its own",
        ),
      );
      continue;
    }
    if (column.redacted !== undefined) placeholders.set(column.name.value, column.redacted.value);
    else if (optional(column.name.value)) placeholders.set(column.name.value, null);
    else
      diagnostics.push(
        errorAt(
          file,
          column.name.range,
          'EF610',
          `column "${column.name.value}" of view ${name} holds personal data (${origin}) and has no placeholder for when its subject is forgotten`,
          'declare what it holds then, e.g. `redacted: "[forgotten]"`, or make the column optional (`T?`) to hold NULL',
        ),
      );
  }
  if (placeholders.size === 0) return { placeholders };
  const subjectColumn = subjectKeyColumn(raw, view, table, diagnostics);
  return subjectColumn === undefined ? { placeholders } : { placeholders, subjectColumn };
}

/**
 * The key column every operation that writes personal data fills from the event's subject (the
 * aggregate id, or the event's `subject:` field); undefined (after reporting EF611) when there is none.
 */
function subjectKeyColumn(
  raw: RawDomain,
  view: RawView,
  table: TypeTable,
  diagnostics: Diagnostic[],
): string | undefined {
  const name = view.name.value;
  const keyOrder = view.key.map((k) => k.value);
  let common: string[] | undefined;
  let failed = false;
  const seen: string[] = [];
  for (const entry of view.on) {
    const found = findViewEvent(raw, entry.event);
    if (found === undefined || entry.handler.kind !== 'ops') continue;
    const label = `${found.aggregate.name.value}.${found.event.name.value}`;
    for (const op of entry.handler.ops) {
      const personal = op.assignments.filter(
        (a) => a.value.kind === 'field' && personalPath(found.event, a.value.path.value, table),
      );
      if (personal.length === 0) continue;
      const subject = subjectOf(found, table);
      const tied = keyOrder.filter((k) => op.assignments.some((a) => a.column.value === k && isSubject(a, subject)));
      if (tied.length === 0) {
        failed = true;
        diagnostics.push(notTied(raw.file, name, label, op, personal, subject));
        continue;
      }
      seen.push(`${tied.join(' or ')} in ${op.verb} on ${label}`);
      common = common === undefined ? tied : common.filter((k) => tied.includes(k));
    }
  }
  if (failed || common === undefined) return undefined;
  if (common.length > 0) return common[0];
  diagnostics.push(
    errorAt(
      raw.file,
      view.keyRange,
      'EF611',
      `view ${name} ties its rows to their subject through different key columns (${seen.join('; ')}), so forgetting a subject could not find all of its rows`,
      'fill the same key column from the subject in every operation that writes personal data',
    ),
  );
  return undefined;
}

/** The event's `subject:` field (its own, or its aggregate's), or undefined for the aggregate id: as the runtime keys it. */
function subjectOf({ event, aggregate }: ViewEvent, table: TypeTable): string | undefined {
  return eventSubject(event, aggregate, (f) => holdsPersonalData(f, table))?.value;
}

function isSubject(assignment: RawViewAssignment, subject: string | undefined): boolean {
  const { value } = assignment;
  if (subject === undefined) return value.kind === 'envelope' && value.name.value === '$id';
  return value.kind === 'field' && value.path.value === subject;
}

function notTied(
  file: string,
  view: string,
  label: string,
  op: RawViewOp,
  personal: readonly RawViewAssignment[],
  subject: string | undefined,
): Diagnostic {
  const columns = personal.map((a) => `"${a.column.value}"`).join(', ');
  const whose = subject === undefined ? 'the aggregate id, `$id`' : `its \`subject:\` field, \`{ field: ${subject} }\``;
  return errorAt(
    file,
    op.range,
    'EF611',
    `\`${op.verb}\` in view ${view} on ${label} writes personal data into ${columns}, but no key column of the row is filled from the event's subject (${whose}), so forgetting the subject could not find the row`,
    `key the view by the subject: fill a key column from ${subject === undefined ? '`$id`' : `\`{ field: ${subject} }\``}`,
  );
}
