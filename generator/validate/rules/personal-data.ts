/**
 * Personal data (docs/language.md, "Personal data"): EF208 a `subject:` naming no field of the
 * payload; EF209 a subject field that is not a required, non-personal string or uuid; EF409
 * `redacted:` on a field (or view column) that is not personal; EF410 a `redacted:` value that is not of the
 * field's type; EF411 a personal field of a value object held in the clear without a placeholder;
 * EF512 (warning) a state field filled from personal data but not marked personal;
 * EF513 an apply the generated code could not type because a value may read as Redacted.
 */
import type { Diagnostic } from '../../diagnostics.js';
import { eventSubject } from '../../load/payload-subject.js';
import type { Located, RawAggregate, RawField } from '../../load/raw-model.js';
import { errorAt, warningAt } from '../../load/source-doc.js';
import { checkValue } from '../../resolve/check-value.js';
import { formatType, resolveFieldType, type TypeTable } from '../../resolve/resolve-types.js';
import { applyOf } from '../../resolve/resolve-domain.js';
import { holdsPersonalData, personalInflows, viewPersonalInflows } from '../../resolve/personal-flow.js';
import type { Rule, RuleContext } from './rule.js';
import { fieldLists } from './walk.js';

export const personalData: Rule = (ctx) => [
  ...ctx.domain.aggregates.flatMap((aggregate) => subjects(ctx, aggregate)),
  ...redactedValues(ctx),
  ...innerPlaceholders(ctx),
  ...ctx.domain.aggregates.flatMap((aggregate) => personalApplies(ctx, aggregate)),
];

function subjects(ctx: RuleContext, aggregate: RawAggregate): Diagnostic[] {
  const name = aggregate.name.value;
  const out: Diagnostic[] = [];
  const state = aggregate.state.fields;
  if (aggregate.subject !== undefined && state.some((f) => holdsPersonalData(f, ctx.table))) {
    out.push(...checkSubject(ctx, aggregate.subject, state, `the state of ${name}`));
  }
  for (const event of aggregate.events) {
    const subject = eventSubject(event, aggregate, (f) => holdsPersonalData(f, ctx.table));
    if (subject === undefined) continue;
    out.push(...checkSubject(ctx, subject, event.payload.fields, `event ${name}.${event.name.value}`));
  }
  return out;
}

function checkSubject(
  ctx: RuleContext,
  subject: Located<string>,
  fields: readonly RawField[],
  label: string,
): Diagnostic[] {
  const field = fields.find((f) => f.name.value === subject.value);
  if (field === undefined) {
    const names = fields.filter((f) => !f.pii).map((f) => f.name.value);
    return [
      errorAt(
        ctx.domain.file,
        subject.range,
        'EF208',
        `subject "${subject.value}" is not a field of ${label}, which has personal fields`,
        names.length > 0
          ? `name one of its fields that holds whom the personal data is about (${names.join(', ')}), or add "${subject.value}" to it`
          : `add a field "${subject.value}" (string or uuid) to ${label}, or remove \`subject:\` to use the aggregate id`,
      ),
    ];
  }
  const resolved = resolveFieldType(field, ctx.table);
  if (!resolved.ok) return [];
  const type = resolved.type;
  const textual = type.kind === 'scalar' && (type.scalar === 'string' || type.scalar === 'uuid');
  if (textual && !resolved.optional && !field.pii) return [];
  const why = field.pii
    ? 'is personal itself (forgetting the subject would make it unreadable, and with it whose key to use)'
    : `is ${formatType(type, resolved.optional)}`;
  return [
    errorAt(
      ctx.domain.file,
      subject.range,
      'EF209',
      `subject "${subject.value}" of ${label} ${why}; a subject field must be a required string or uuid that is not personal`,
      field.pii
        ? 'remove `pii: true` from the subject field: an id of a person is not itself their personal data'
        : 'declare it as `string` or `uuid` (not optional)',
    ),
  ];
}

function redactedValues(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  // View columns filled from personal data are personal, marked or not.
  const filled = new Set(
    ctx.domain.views.flatMap((view) => {
      const inflows = viewPersonalInflows(ctx.domain, view, ctx.table);
      return view.columns.filter((c) => inflows.has(c.name.value));
    }),
  );
  for (const list of fieldLists(ctx.domain)) {
    for (const field of list.fields) {
      if (field.redacted === undefined) continue;
      const where = `\`redacted\` of field "${field.name.value}" of ${list.label}`;
      if (!field.pii && !filled.has(field)) {
        out.push(
          errorAt(
            ctx.domain.file,
            field.redacted.range,
            'EF409',
            `${where}: the field is not personal, so it is never redacted`,
            'add `pii: true` to the field, or remove `redacted`',
          ),
        );
        continue;
      }
      out.push(...redactedType(ctx.table, field, ctx.domain.file, where));
    }
  }
  return out;
}

/**
 * EF411: a personal field of a value object held by a field that is not personal itself is
 * encrypted on its own, and once forgotten it reads as its placeholder inside the value object,
 * whose type has no room for the Redacted marker: it needs `redacted:`.
 */
function innerPlaceholders(ctx: RuleContext): Diagnostic[] {
  const held = new Set<string>();
  const visit = (fields: readonly RawField[]): void => {
    for (const field of fields) {
      if (field.pii) continue;
      const resolved = resolveFieldType(field, ctx.table);
      if (!resolved.ok) continue;
      const type = resolved.type;
      const element = type.kind === 'list' ? type.element : type.kind === 'map' ? type.value : type;
      if (element.kind !== 'valueObject' || held.has(element.name)) continue;
      held.add(element.name);
      visit(ctx.table.valueObjects.get(element.name)?.fields ?? []);
    }
  };
  for (const list of fieldLists(ctx.domain)) if (list.aggregate !== undefined) visit(list.fields);
  return ctx.domain.types.flatMap((decl) =>
    decl.kind !== 'valueObject' || !held.has(decl.name.value)
      ? []
      : decl.fields
          .filter((f) => f.pii && f.redacted === undefined)
          .map((f) =>
            errorAt(
              ctx.domain.file,
              f.name.range,
              'EF411',
              `personal field "${f.name.value}" of value object ${decl.name.value} has no \`redacted\` placeholder: it is encrypted on its own where a field that is not personal holds the value object, and once its subject is forgotten it must read as a value of its type`,
              'declare what it reads as then, e.g. `redacted: ""`, or mark every field holding the value object `pii: true` (the whole value is then encrypted)',
            ),
          ),
  );
}

function redactedType(table: TypeTable, field: RawField, file: string, where: string): Diagnostic[] {
  const resolved = resolveFieldType(field, table);
  if (!resolved.ok || field.redacted === undefined) return [];
  // The placeholder stands in for a value: it must be of the type, not meet the constraints.
  const problem =
    field.redacted.value === null ? undefined : checkValue(field.redacted.value, resolved.type, {}, table);
  if (field.redacted.value === null && resolved.optional) return [];
  if (field.redacted.value !== null && problem === undefined) return [];
  return [
    errorAt(
      file,
      field.redacted.range,
      'EF410',
      `${where} does not fit ${formatType(resolved.type, resolved.optional)}: ${problem?.message ?? 'it is null'}`,
      `${resolved.type.kind === 'scalar' && resolved.type.scalar === 'string' ? 'write a string, e.g. `redacted: ""`' : `write a value of type ${formatType(resolved.type)}`}, or remove \`redacted\` to read the field as the Redacted marker`,
    ),
  ];
}

function personalApplies(ctx: RuleContext, aggregate: RawAggregate): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inflows = personalInflows(ctx.resolved, aggregate);
  const state = new Map(aggregate.state.fields.map((f) => [f.name.value, f]));
  // Whether a state field may read as the Redacted marker (personal, or filled from personal data, without a placeholder).
  const stateRedacted = (f: RawField): boolean => (f.pii || inflows.has(f.name.value)) && f.redacted === undefined;
  for (const field of aggregate.state.fields) {
    const from = inflows.get(field.name.value);
    if (from === undefined || field.pii) continue;
    out.push(
      warningAt(
        ctx.domain.file,
        field.name.range,
        'EF512',
        `state field "${field.name.value}" of ${aggregate.name.value} is filled from personal data (${from.join(', ')}) but not marked personal: it is treated as personal (encrypted in snapshots, redacted once forgotten)`,
        'mark it `pii: true` to say so',
      ),
    );
  }
  for (const event of aggregate.events) {
    const { apply } = applyOf(ctx.resolved, event);
    if (apply.kind !== 'declarative') continue;
    const fields = new Map(event.payload.fields.map((f) => [f.name.value, f]));
    const label = `${aggregate.name.value}.${event.name.value}`;
    for (const op of apply.ops) {
      const target = state.get(op.stateField);
      const source =
        op.kind !== 'removeAt' && op.source.kind === 'eventField' ? fields.get(op.source.field) : undefined;
      const sourceRedacted = source !== undefined && source.pii && source.redacted === undefined;
      if (target === undefined) continue;
      let problem: string | undefined;
      if (op.kind === 'assign') {
        if (sourceRedacted && !stateRedacted(target))
          problem = `state field "${op.stateField}" reads as its \`redacted\` value once forgotten, but event field "${source.name.value}" reads as Redacted`;
      } else if (sourceRedacted) {
        problem = `\`${op.kind}\` takes personal event field "${source.name.value}", which reads as Redacted once forgotten, and ${op.stateField} cannot hold that`;
      } else if (stateRedacted(target)) {
        problem = `\`${op.kind}\` changes state field "${op.stateField}", which reads as Redacted once forgotten (then there is nothing to change)`;
      }
      if (problem === undefined) continue;
      out.push(
        errorAt(
          ctx.domain.file,
          event.name.range,
          'EF513',
          `event ${label}: ${problem}`,
          'declare a `redacted:` placeholder on the personal field (the same on event and state fields), so it always holds a value of its type',
        ),
      );
    }
  }
  return out;
}
