/**
 * The index page's search: a JSON list of every domain, aggregate, event and type, inlined in
 * the page with the small script that filters it (no server, no fetch: works from `file://`).
 */
import type { ProjectDef } from '../../ir/model.js';
import {
  aggregatePage,
  applicationAnchor,
  domainPage,
  eventPage,
  systemPage,
  typeAnchor,
  viewAnchor,
} from './paths.js';
import type { SystemDef } from './systems.js';

export interface SearchEntry {
  readonly name: string;
  readonly kind: 'domain' | 'aggregate' | 'event' | 'type' | 'view' | 'system' | 'process application';
  /** Where it sits: `Bank › Account`. */
  readonly within: string;
  /** Relative to the index page. */
  readonly href: string;
}

export function searchEntries(project: ProjectDef, systems: readonly SystemDef[] = []): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const system of systems) {
    entries.push({ name: system.name, kind: 'system', within: '', href: systemPage(system.name) });
    for (const app of system.applications.filter((candidate) => candidate.kind === 'process'))
      entries.push({
        name: app.name,
        kind: 'process application',
        within: system.name,
        href: `${systemPage(system.name)}#${applicationAnchor(app.name)}`,
      });
  }
  for (const domain of project.domains) {
    entries.push({ name: domain.name, kind: 'domain', within: '', href: domainPage(domain.name) });
    for (const aggregate of domain.aggregates) {
      entries.push({
        name: aggregate.name,
        kind: 'aggregate',
        within: domain.name,
        href: aggregatePage(domain.name, aggregate.name),
      });
      for (const event of aggregate.events)
        entries.push({
          name: event.name,
          kind: 'event',
          within: `${domain.name} › ${aggregate.name}`,
          href: eventPage(domain.name, aggregate.name, event.name),
        });
    }
    for (const view of domain.views)
      entries.push({
        name: view.name,
        kind: 'view',
        within: domain.name,
        href: `${domainPage(domain.name)}#${viewAnchor(view.name)}`,
      });
    for (const type of [...domain.valueObjects, ...domain.enums])
      entries.push({
        name: type.name,
        kind: 'type',
        within: domain.name,
        href: `${domainPage(domain.name)}#${typeAnchor(type.name)}`,
      });
  }
  return entries;
}

/** JSON safe inside a `<script>` element: no `</script>` can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Filters the inlined index as the reader types: names containing the text, exact and prefix matches first, 50 at most (and how many more). */
export const SEARCH_SCRIPT = `(() => {
  const entries = JSON.parse(document.getElementById('search-index').textContent);
  const box = document.getElementById('search-box');
  const list = document.getElementById('search-results');
  const rank = (name, query) => (name === query ? 0 : name.startsWith(query) ? 1 : 2);
  const show = () => {
    const query = box.value.trim().toLowerCase();
    list.replaceChildren();
    if (query === '') return;
    const matches = entries
      .filter((entry) => entry.name.toLowerCase().includes(query))
      .sort((a, b) => rank(a.name.toLowerCase(), query) - rank(b.name.toLowerCase(), query));
    const found = matches.slice(0, 50);
    if (found.length === 0) {
      const item = document.createElement('li');
      item.className = 'muted';
      item.textContent = 'Nothing is named like that.';
      list.append(item);
      return;
    }
    for (const entry of found) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = entry.href;
      link.textContent = entry.name;
      const where = document.createElement('span');
      where.className = 'muted';
      where.textContent = ' ' + entry.kind + (entry.within === '' ? '' : ' in ' + entry.within);
      item.append(link, where);
      list.append(item);
    }
    if (matches.length > found.length) {
      // A large domain (a hundred aggregates) matches hundreds: say so rather than cut silently.
      const more = document.createElement('li');
      more.className = 'muted more';
      more.textContent = '… and ' + (matches.length - found.length) + ' more: type more of the name.';
      list.append(more);
    }
  };
  box.addEventListener('input', show);
  show();
})();`;
