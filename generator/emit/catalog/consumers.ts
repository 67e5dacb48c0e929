/**
 * Who reads an event besides its aggregate: the views (read models) of any domain that declare
 * it under `on:`, and the process applications and projections of the systems given to the
 * catalog (`--system`) that read it. The event page's "Consumed by" section lists them.
 */
import type { EventDef, ProjectDef, ViewDef, ViewHandlerDef } from '../../ir/model.js';
import { applicationAnchor, domainPage, linkFrom, systemPage, viewAnchor } from './paths.js';
import type { SystemDef } from './systems.js';

export interface Consumer {
  /** `view`, `process application` or `projection`. */
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

/** The consumers of `event`: views by domain and name, then the systems' followers, with links relative to `from`. */
export function consumersOf(
  project: ProjectDef,
  event: EventDef,
  from: string,
  systems: readonly SystemDef[] = [],
): Consumer[] {
  return [...viewsReading(project, event, from), ...followersReading(project, event, from, systems)];
}

function viewsReading(project: ProjectDef, event: EventDef, from: string): Consumer[] {
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

/** Process applications whose policy reads the event, and projections (other than the schemas' views) that do. */
function followersReading(
  project: ProjectDef,
  event: EventDef,
  from: string,
  systems: readonly SystemDef[],
): Consumer[] {
  const views = new Set(project.domains.flatMap((domain) => domain.views.map((view) => view.name)));
  return systems.flatMap((system) =>
    system.applications
      .filter((app) => app.kind !== 'application' && app.consumes.includes(event.topic))
      .filter((app) => app.kind === 'process' || !views.has(app.projection ?? ''))
      .map((app) => {
        const writes = project.domains
          .filter((domain) => app.domains.includes(domain.name))
          .flatMap((domain) => domain.aggregates.map((aggregate) => aggregate.name));
        return {
          kind: app.kind === 'process' ? 'process application' : 'projection',
          name: app.name,
          href: `${linkFrom(from, systemPage(system.name))}#${applicationAnchor(app.name)}`,
          does:
            app.kind === 'process'
              ? `its policy, in system ${system.name}${writes.length === 0 ? '' : `; saves ${writes.join(', ')}`}`
              : `in system ${system.name}`,
        };
      }),
  );
}
