/**
 * Who reads an event besides its aggregate: the views (read models) of any domain that declare
 * it under `on:`. Process applications are not in the IR yet; when they are, this is the one
 * place that finds them, and the event page's "Consumed by" section lists what it returns.
 */
import type { EventDef, ProjectDef, ViewDef, ViewHandlerDef } from '../../ir/model.js';
import { domainPage, linkFrom, viewAnchor } from './paths.js';

export interface Consumer {
  /** `view` (later also `process application`). */
  readonly kind: string;
  readonly name: string;
  /** Where it is described, relative to the page `from` given to consumersOf. */
  readonly href: string;
  /** What it does with the event, in a few words. */
  readonly does: string;
}

/** What a view does with an event: its operations (`increment, list`) or a hand-written handler. */
export function viewHandlerText(handler: ViewHandlerDef): string {
  return handler.kind === 'custom' ? 'a hand-written handler' : handler.ops.map((op) => op.kind).join(', ');
}

function handlerText(view: ViewDef, topic: string): string {
  const on = view.on.find((entry) => entry.topic === topic);
  return on === undefined ? '' : viewHandlerText(on.handler);
}

/** The consumers of `event`, sorted by domain and name, with links relative to the page at `from`. */
export function consumersOf(project: ProjectDef, event: EventDef, from: string): Consumer[] {
  return project.domains.flatMap((domain) =>
    domain.views
      .filter((view) => view.on.some((entry) => entry.topic === event.topic))
      .map((view) => ({
        kind: 'view',
        name: domain.name === event.topic.split('.')[0] ? view.name : `${domain.name}.${view.name}`,
        href: `${linkFrom(from, domainPage(domain.name))}#${viewAnchor(view.name)}`,
        does: handlerText(view, event.topic),
      })),
  );
}
