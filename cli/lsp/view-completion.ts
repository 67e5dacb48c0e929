/**
 * Completion inside `views:`: the domain's events as keys of `on:`, the view's columns as keys
 * of an operation and as items of `key`, `indexes` and `unique`, and the consumed event's fields
 * as the value of `{ field: … }`.
 */
import type { DomainOutline, EventDecl, FieldDecl, ViewDecl } from './domain-outline.js';
import { keysAt } from './schema-keys.js';

// Every operation the language's JSON Schema allows on a consumed event (any names will do).
const VIEW_OPERATIONS = new Set(keysAt(['views', 'V', 'on', 'E']).map((key) => key.name));

export type ViewSuggestion =
  | { readonly kind: 'events'; readonly events: readonly { readonly name: string; readonly aggregate: string }[] }
  | { readonly kind: 'fields'; readonly fields: readonly FieldDecl[] };

/** What to offer at a key (`role: 'key'`) or value position under `views:`, or undefined elsewhere. */
export function viewSuggestion(
  path: readonly string[],
  role: 'key' | 'value',
  outline: DomainOutline,
): ViewSuggestion | undefined {
  if (path[0] !== 'views' || path[1] === undefined) return undefined;
  const view = outline.views.find((v) => v.name === path[1]);
  if (role === 'key') {
    if (path.length === 3 && path[2] === 'on')
      return {
        kind: 'events',
        events: outline.aggregates.flatMap((a) => a.events.map((e) => ({ name: e.name, aggregate: a.name }))),
      };
    if (path.length === 5 && path[2] === 'on' && VIEW_OPERATIONS.has(path[4] ?? ''))
      return view === undefined ? undefined : { kind: 'fields', fields: view.columns };
    return undefined;
  }
  if (path.length === 7 && path[2] === 'on' && path[6] === 'field') {
    const event = consumedEvent(outline, path[3] ?? '');
    return event === undefined ? undefined : { kind: 'fields', fields: event.fields };
  }
  const inList =
    (path[2] === 'key' && path.length === 4) || ((path[2] === 'indexes' || path[2] === 'unique') && path.length === 5);
  return inList && view !== undefined ? { kind: 'fields', fields: view.columns } : undefined;
}

/** `TrickAdded` or `Dog.TrickAdded`. */
function consumedEvent(outline: DomainOutline, name: string): EventDecl | undefined {
  const [first, second] = name.split('.');
  for (const aggregate of outline.aggregates) {
    if (second !== undefined && aggregate.name !== first) continue;
    const event = aggregate.events.find((e) => e.name === (second ?? first));
    if (event !== undefined) return event;
  }
  return undefined;
}

export type { ViewDecl };
