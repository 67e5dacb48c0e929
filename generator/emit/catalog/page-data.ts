/**
 * The IR turned into what the templates print: plain objects of strings, booleans and links
 * relative to the page they appear on. The templates hold no logic beyond loops and ifs.
 */
import type {
  AggregateDef,
  ApplyDef,
  ApplyOpDef,
  DomainDef,
  EventDef,
  FieldDef,
  PayloadVersionDef,
  ProjectDef,
} from '../../ir/model.js';
import { consumersOf, viewHandlerText, type Consumer } from './consumers.js';
import type { SystemDef } from './systems.js';
import { constraintTexts, namedTypeOf, typeText, upcastOpText, valueText } from './describe-field.js';
import {
  aggregateAnchor,
  aggregatePage,
  domainPage,
  eventPage,
  INDEX_PAGE,
  linkFrom,
  typeAnchor,
  versionAnchor,
  viewAnchor,
} from './paths.js';

export interface FieldRow {
  readonly name: string;
  readonly type: string;
  readonly typeLink?: string;
  readonly defaultValue?: string;
  readonly constraints: readonly string[];
  readonly pii: boolean;
  /** Personal fields: what the field reads as once its subject is forgotten. */
  readonly forgotten?: string;
  readonly description?: string;
}

export interface UpcastRow {
  readonly field: string;
  readonly change: string;
  readonly kind: string;
}

export interface VersionView {
  readonly version: number;
  readonly anchor: string;
  readonly current: boolean;
  readonly fields: readonly FieldRow[];
  /** How this version becomes the next one; absent on the current version. */
  readonly upcast?: { readonly to: number; readonly changes: readonly UpcastRow[]; readonly kept: string };
}

export interface Crumb {
  readonly name: string;
  readonly href: string;
}

/** Whose data key encrypts a payload's personal fields: a field's value, else the aggregate's id; absent without personal fields. */
function personalSubject(fields: readonly FieldDef[], subject: string | undefined): string | undefined {
  if (!fields.some((field) => field.pii)) return undefined;
  return subject === undefined
    ? 'the aggregate itself (the subject is its id)'
    : `the subject named by its field ${subject}`;
}

/** Every type name of a domain (enums and value objects), for linking a field's type. */
type TypeLinks = ReadonlySet<string>;

function fieldRows(fields: readonly FieldDef[], page: string, domain: DomainDef, types: TypeLinks): FieldRow[] {
  // One link to the domain page per table, not per field (a thousand event pages have tens each).
  let typesPage: string | undefined;
  return fields.map((field) => {
    const named = namedTypeOf(field.type);
    return {
      name: field.name,
      type: typeText(field.type, field.optional),
      ...(named !== undefined && types.has(named)
        ? { typeLink: `${(typesPage ??= linkFrom(page, domainPage(domain.name)))}#${typeAnchor(named)}` }
        : {}),
      ...(field.default === undefined ? {} : { defaultValue: valueText(field.default) }),
      constraints: constraintTexts(field.constraints),
      pii: field.pii,
      ...(field.pii
        ? { forgotten: field.redacted === undefined ? 'the Redacted marker' : valueText(field.redacted) }
        : {}),
      ...(field.description === undefined ? {} : { description: field.description }),
    };
  });
}

function versionViews(
  versions: readonly PayloadVersionDef[],
  page: string,
  domain: DomainDef,
  types: TypeLinks,
): VersionView[] {
  // Newest first: what a reader of the current code wants to see before the history.
  return [...versions].reverse().map((version) => ({
    version: version.version,
    anchor: versionAnchor(version.version),
    current: version.upcast === undefined,
    fields: fieldRows(version.fields, page, domain, types),
    ...(version.upcast === undefined
      ? {}
      : {
          upcast: {
            to: version.upcast.to,
            changes: version.upcast.ops
              .filter((op) => op.kind !== 'keep')
              .map((op) => ({ field: op.field, change: upcastOpText(op), kind: op.kind })),
            kept: keptNote(version.upcast.ops.filter((op) => op.kind === 'keep').length),
          },
        }),
  }));
}

function applyOpText(op: ApplyOpDef): string {
  const source =
    'source' in op ? (op.source.kind === 'eventField' ? op.source.field : valueText(op.source.value)) : undefined;
  switch (op.kind) {
    case 'assign':
      return `${op.stateField} = ${source}`;
    case 'push':
      return `${op.stateField} += [${source}]`;
    case 'remove':
      return `${op.stateField} -= [${source}]`;
    case 'increment':
      return `${op.stateField} += ${source}`;
    case 'decrement':
      return `${op.stateField} -= ${source}`;
    case 'upsert':
      return `upsert ${source} into ${op.stateField}`;
    case 'incrementAt':
    case 'decrementAt':
      return `${op.stateField}[${op.key.eventField ?? '…'}]${op.field === undefined ? '' : `.${op.field}`} ${op.kind === 'incrementAt' ? '+=' : '-='} ${source}`;
    case 'removeAt':
      return `remove ${op.stateField}[${op.key.eventField ?? '…'}]`;
  }
}

/** What an event does to its aggregate's state, one line per operation. */
export function applyLines(apply: ApplyDef): string[] {
  switch (apply.kind) {
    case 'declarative':
      return apply.ops.map(applyOpText);
    case 'custom':
      return ['a hand-written handler'];
    case 'none':
      return [];
  }
}

function typesOf(domain: DomainDef): TypeLinks {
  return new Set([...domain.enums.map((e) => e.name), ...domain.valueObjects.map((v) => v.name)]);
}

export interface EventSummary {
  readonly name: string;
  readonly href: string;
  readonly version: number;
  readonly creates: boolean;
  readonly discards: boolean;
  readonly pii: boolean;
  readonly description?: string;
  readonly applies: readonly string[];
}

function eventSummary(event: EventDef, from: string, domain: DomainDef): EventSummary {
  return {
    name: event.name,
    href: linkFrom(from, eventPage(domain.name, event.aggregate, event.name)),
    version: event.version,
    creates: event.creates,
    discards: event.discards,
    pii: event.fields.some((field) => field.pii),
    ...(event.description === undefined ? {} : { description: event.description }),
    applies: applyLines(event.apply),
  };
}

export function indexData(project: ProjectDef) {
  return {
    domains: project.domains.map((domain) => ({
      name: domain.name,
      href: domainPage(domain.name),
      description: domain.description,
      aggregates: domain.aggregates.length,
      events: domain.aggregates.reduce((sum, aggregate) => sum + aggregate.events.length, 0),
      source: domain.sourcePath,
    })),
  };
}

/** Domains with more aggregates than this list them at the top of their page, to jump to. */
const AGGREGATE_INDEX_FROM = 8;

export function domainData(domain: DomainDef) {
  const page = domainPage(domain.name);
  const types = typesOf(domain);
  return {
    name: domain.name,
    description: domain.description,
    source: domain.sourcePath,
    crumbs: [{ name: 'Catalog', href: linkFrom(page, INDEX_PAGE) }] satisfies Crumb[],
    // A large domain (the synthetic schema's hundred aggregates) gets a short list to jump from.
    aggregateIndex: domain.aggregates.length > AGGREGATE_INDEX_FROM,
    aggregates: domain.aggregates.map((aggregate) => ({
      name: aggregate.name,
      anchor: aggregateAnchor(aggregate.name),
      href: linkFrom(page, aggregatePage(domain.name, aggregate.name)),
      description: aggregate.description,
      stateVersion: aggregate.state.version,
      events: aggregate.events.map((event) => eventSummary(event, page, domain)),
    })),
    views: domain.views.map((view) => ({
      name: view.name,
      anchor: viewAnchor(view.name),
      table: view.table,
      description: view.description,
      key: view.key.join(', '),
      columns: fieldRows(view.columns, page, domain, types),
      reads: view.on.map((on) => ({
        name: `${on.aggregate}.${on.event}`,
        href: linkFrom(page, eventPage(domain.name, on.aggregate, on.event)),
        does: viewHandlerText(on.handler),
      })),
    })),
    enums: domain.enums.map((e) => ({
      name: e.name,
      anchor: typeAnchor(e.name),
      values: e.values,
      description: e.description,
    })),
    valueObjects: domain.valueObjects.map((v) => ({
      name: v.name,
      anchor: typeAnchor(v.name),
      description: v.description,
      fields: fieldRows(v.fields, page, domain, types),
    })),
  };
}

export function aggregateData(domain: DomainDef, aggregate: AggregateDef) {
  const page = aggregatePage(domain.name, aggregate.name);
  const types = typesOf(domain);
  return {
    name: aggregate.name,
    domain: domain.name,
    topic: aggregate.topic,
    description: aggregate.description,
    snapshotEvery: aggregate.snapshot?.every,
    crumbs: [
      { name: 'Catalog', href: linkFrom(page, INDEX_PAGE) },
      { name: domain.name, href: linkFrom(page, domainPage(domain.name)) },
    ] satisfies Crumb[],
    stateVersion: aggregate.state.version,
    stateSubject: personalSubject(aggregate.state.fields, aggregate.subject),
    stateVersions: versionViews(aggregate.state.versions, page, domain, types),
    hasStateHistory: aggregate.state.versions.length > 1,
    events: aggregate.events.map((event) => eventSummary(event, page, domain)),
  };
}

export function eventData(
  project: ProjectDef,
  domain: DomainDef,
  aggregate: AggregateDef,
  event: EventDef,
  systems: readonly SystemDef[] = [],
) {
  const page = eventPage(domain.name, aggregate.name, event.name);
  const consumers: readonly Consumer[] = consumersOf(project, event, page, systems);
  return {
    name: event.name,
    aggregate: aggregate.name,
    aggregateHref: linkFrom(page, aggregatePage(domain.name, aggregate.name)),
    domain: domain.name,
    topic: event.topic,
    version: event.version,
    creates: event.creates,
    discards: event.discards,
    description: event.description,
    crumbs: [
      { name: 'Catalog', href: linkFrom(page, INDEX_PAGE) },
      { name: domain.name, href: linkFrom(page, domainPage(domain.name)) },
      { name: aggregate.name, href: linkFrom(page, aggregatePage(domain.name, aggregate.name)) },
    ] satisfies Crumb[],
    applies: applyLines(event.apply),
    subject: personalSubject(event.fields, event.subject),
    customApply: event.apply.kind === 'custom',
    versions: versionViews(event.versions, page, domain, typesOf(domain)),
    hasHistory: event.versions.length > 1,
    upcastersModule: domain.upcastersModule,
    consumers,
    hasSystems: systems.length > 0,
  };
}

/** The line under an upcast's changes: how many fields pass through as they are. */
function keptNote(count: number): string {
  if (count === 0) return 'No field is copied unchanged.';
  return `${count} ${count === 1 ? 'field' : 'fields'} copied unchanged.`;
}
