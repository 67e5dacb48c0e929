/**
 * Where each catalog page lives (relative to the catalog folder, forward slashes) and how one
 * page links to another: every link is relative, so the site works from `file://` and anywhere.
 */
import { kebabCase as kebabCaseOf } from '../../ir/naming.js';

// Every link of every page names its target by kebab-case names: three regular expressions per
// call, a tenth of the catalog's emit time on the synthetic schema before these were remembered.
const kebabNames = new Map<string, string>();
function kebabCase(name: string): string {
  let kebab = kebabNames.get(name);
  if (kebab === undefined) {
    kebab = kebabCaseOf(name);
    kebabNames.set(name, kebab);
  }
  return kebab;
}

export const INDEX_PAGE = 'index.html';
export const STYLE_SHEET = 'style.css';

export function domainPage(domain: string): string {
  return `${kebabCase(domain)}/index.html`;
}

export function aggregatePage(domain: string, aggregate: string): string {
  return `${kebabCase(domain)}/${kebabCase(aggregate)}/index.html`;
}

export function eventPage(domain: string, aggregate: string, event: string): string {
  return `${kebabCase(domain)}/${kebabCase(aggregate)}/${kebabCase(event)}.html`;
}

/** The anchor of a type (enum or value object) on its domain's page. */
export function typeAnchor(type: string): string {
  return `type-${kebabCase(type)}`;
}

/** The anchor of one version on an event's (or the state's) page. */
export function versionAnchor(version: number): string {
  return `v${version}`;
}

/** The shortest relative link from the page at `from` to `to` (both catalog paths). */
export function linkFrom(from: string, to: string): string {
  const fromFolders = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let shared = 0;
  while (shared < fromFolders.length && shared < toParts.length - 1 && fromFolders[shared] === toParts[shared])
    shared += 1;
  return '../'.repeat(fromFolders.length - shared) + toParts.slice(shared).join('/');
}

/** The anchor of an aggregate's section on its domain's page. */
export function aggregateAnchor(aggregate: string): string {
  return `aggregate-${kebabCase(aggregate)}`;
}

/** The anchor of a view on its domain's page. */
export function viewAnchor(view: string): string {
  return `view-${kebabCase(view)}`;
}

/** A system's page (`eventforge catalog --system`). */
export function systemPage(system: string): string {
  return `systems/${kebabCase(system)}.html`;
}

/** The anchor of an application on its system's page. */
export function applicationAnchor(application: string): string {
  return `app-${kebabCase(application)}`;
}
