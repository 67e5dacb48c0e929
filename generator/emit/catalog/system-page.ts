/** The values a system's page prints: each application, what it stores, whom it follows and which events it reads. */
import type { ProjectDef } from '../../ir/model.js';
import type { Crumb } from './page-data.js';
import {
  aggregatePage,
  applicationAnchor,
  domainPage,
  eventPage,
  INDEX_PAGE,
  linkFrom,
  systemPage,
  viewAnchor,
} from './paths.js';
import { edgeTopics, eventsByTopic, type SystemApplicationDef, type SystemDef } from './systems.js';

const KIND_TEXT: Record<SystemApplicationDef['kind'], string> = {
  application: 'application',
  process: 'process application',
  projection: 'projection',
};

export function kindText(app: SystemApplicationDef): string {
  return KIND_TEXT[app.kind];
}

/** `Dog.TrickAdded`, linked to its page; a topic the IR lacks is shown as is (systemProblems refuses it first). */
function eventLinks(project: ProjectDef, topics: readonly string[], from: string) {
  const byTopic = eventsByTopic(project);
  return topics.map((topic) => {
    const found = byTopic.get(topic);
    if (found === undefined) return { name: topic, href: '' };
    const { domain, aggregate, event } = found;
    return {
      name: `${aggregate.name}.${event.name}`,
      href: linkFrom(from, eventPage(domain.name, aggregate.name, event.name)),
    };
  });
}

/** The view a projection keeps, when one of its leader's domains declares a view of the projection's name. */
function viewOf(project: ProjectDef, system: SystemDef, app: SystemApplicationDef, from: string) {
  if (app.projection === undefined) return undefined;
  const leaders = system.edges.filter((edge) => edge.follower === app.name).map((edge) => edge.leader);
  const domains = system.applications.filter((other) => leaders.includes(other.name)).flatMap((o) => o.domains);
  for (const domain of project.domains)
    if (domains.includes(domain.name) && domain.views.some((view) => view.name === app.projection))
      return {
        name: app.projection,
        href: `${linkFrom(from, domainPage(domain.name))}#${viewAnchor(app.projection)}`,
      };
  return { name: app.projection, href: '' };
}

/** Each item with `sep`, the ", " that follows it in a sentence (the templates have no @last). */
function listed<T extends object>(items: readonly T[]): (T & { sep: string })[] {
  return items.map((item, i) => ({ ...item, sep: i < items.length - 1 ? ', ' : '' }));
}

export function systemData(project: ProjectDef, system: SystemDef) {
  const page = systemPage(system.name);
  return {
    name: system.name,
    source: system.source,
    crumbs: [{ name: 'Catalog', href: linkFrom(page, INDEX_PAGE) }] satisfies Crumb[],
    applications: system.applications.map((app) => ({
      name: app.name,
      anchor: applicationAnchor(app.name),
      kind: kindText(app),
      domains: listed(app.domains.map((name) => ({ name, href: linkFrom(page, domainPage(name)) }))),
      writes: listed(
        project.domains
          .filter((domain) => app.domains.includes(domain.name))
          .flatMap((domain) =>
            domain.aggregates.map((aggregate) => ({
              name: aggregate.name,
              href: linkFrom(page, aggregatePage(domain.name, aggregate.name)),
            })),
          ),
      ),
      follows: system.edges
        .filter((edge) => edge.follower === app.name)
        .map((edge) => ({
          name: edge.leader,
          href: `#${applicationAnchor(edge.leader)}`,
          every: app.consumes.length === 0,
          reads: eventLinks(project, edgeTopics(system, edge, project), page),
        })),
      followers: listed(
        system.edges
          .filter((edge) => edge.leader === app.name)
          .map((edge) => ({ name: edge.follower, href: `#${applicationAnchor(edge.follower)}` })),
      ),
      view: viewOf(project, system, app, page),
    })),
  };
}

/** The index's list of systems. */
export function systemsIndexData(systems: readonly SystemDef[]) {
  return systems.map((system) => ({
    name: system.name,
    href: systemPage(system.name),
    source: system.source,
    applications: system.applications.map((app) => app.name).join(', '),
  }));
}
