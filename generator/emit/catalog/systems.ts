/**
 * Systems of applications in the catalog. Systems are TypeScript (runtime/system), not schema:
 * `eventforge catalog --system FILE` loads the user's module and describes each exported System
 * as the plain values below (cli/catalog/describe-system.ts); the emitter checks them against
 * the IR and draws them. Which events an application stores, and which a follower reads, are
 * topics (`DogSchool.Dog.TrickAdded`), the names the IR and the runtime share.
 */
import type { AggregateDef, DomainDef, EventDef, ProjectDef } from '../../ir/model.js';
import { systemPage } from './paths.js';

/** A system, as `eventforge catalog --system` read it from the user's module. */
export interface SystemDef {
  /** `counters-system`: the module's name, or the export's when it is neither `system` nor `default`. */
  readonly name: string;
  /** The module, as shown to the user (`examples/counters-system.ts`). */
  readonly source: string;
  /** In the system's order (first appearance in its pipes). */
  readonly applications: readonly SystemApplicationDef[];
  readonly edges: readonly SystemEdgeDef[];
}

export interface SystemApplicationDef {
  /** The class's name, which is also what its tracking records are kept under. */
  readonly name: string;
  /** `application`: it only leads; `process`: a process application; `projection`: a projection class. */
  readonly kind: 'application' | 'process' | 'projection';
  /** The domains whose events it stores (none for a projection). */
  readonly domains: readonly string[];
  /** The topics it reads from its leaders (a policy's, a projection's; empty: a projection reading every event). */
  readonly consumes: readonly string[];
  /** A projection's own name: its view's, for a generated view projection. */
  readonly projection?: string;
}

export interface SystemEdgeDef {
  readonly leader: string;
  readonly follower: string;
}

/** An event of the IR with where it lives. */
export interface TopicEvent {
  readonly domain: DomainDef;
  readonly aggregate: AggregateDef;
  readonly event: EventDef;
}

/** Every event of the project by topic. */
export function eventsByTopic(project: ProjectDef): Map<string, TopicEvent> {
  const byTopic = new Map<string, TopicEvent>();
  for (const domain of project.domains)
    for (const aggregate of domain.aggregates)
      for (const event of aggregate.events) byTopic.set(event.topic, { domain, aggregate, event });
  return byTopic;
}

/** What `follower` reads of `leader`'s events along one edge: topics of the leader's domains it consumes. */
export function edgeTopics(system: SystemDef, edge: SystemEdgeDef, project: ProjectDef): string[] {
  const leader = system.applications.find((app) => app.name === edge.leader);
  const follower = system.applications.find((app) => app.name === edge.follower);
  if (leader === undefined || follower === undefined) return [];
  const stored = [...eventsByTopic(project).values()]
    .filter(({ domain }) => leader.domains.includes(domain.name))
    .map(({ event }) => event.topic);
  return follower.consumes.length === 0 ? stored : follower.consumes.filter((topic) => stored.includes(topic));
}

/**
 * What the schemas contradict in the systems: a domain or topic no schema declares (the module's
 * generated code is older or newer than the schemas), a system page name used twice, a follower
 * reading an event none of its leaders stores. One line each, naming the module and what to do.
 */
export function systemProblems(project: ProjectDef, systems: readonly SystemDef[]): string[] {
  const problems: string[] = [];
  const topics = eventsByTopic(project);
  const domains = new Set(project.domains.map((domain) => domain.name));
  const pages = new Map<string, string>();
  for (const system of systems) {
    const page = systemPage(system.name);
    const other = pages.get(page);
    if (other !== undefined)
      problems.push(`${system.source}: system ${system.name} would have the page of ${other}'s system; rename one`);
    pages.set(page, system.source);
    for (const app of system.applications) {
      const where = `${system.source}: ${app.name}`;
      for (const domain of app.domains)
        if (!domains.has(domain))
          problems.push(
            `${where} stores the domain ${domain}, which no schema declares; add its schema, or run \`eventforge generate\` if the generated code is stale`,
          );
      const leaders = system.edges.filter((edge) => edge.follower === app.name).map((edge) => edge.leader);
      const led = new Set(
        system.applications.filter((other) => leaders.includes(other.name)).flatMap((other) => other.domains),
      );
      for (const topic of app.consumes) {
        const found = topics.get(topic);
        if (found === undefined)
          problems.push(
            `${where} reads ${topic}, which no schema declares; run \`eventforge generate\` if the generated code is stale`,
          );
        else if (!led.has(found.domain.name))
          problems.push(
            `${where} reads ${topic}, but none of its leaders (${leaders.join(', ') || 'none'}) stores the domain ${found.domain.name}`,
          );
      }
    }
  }
  return problems;
}
