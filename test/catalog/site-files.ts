/** Reading a written catalog back: its files, and every link of every page checked against the disk. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Every file under `root`, as sorted forward-slash paths relative to it. */
export function siteFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** `href` and `src` values of a page (attribute values are HTML-escaped by the templates). */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

/** "page: link" for each link that leaves the site or points at a missing file or anchor. */
export function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let found = ids.get(file);
    if (found === undefined) {
      found = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? ''));
      ids.set(file, found);
    }
    return found;
  };
  for (const page of siteFiles(root).filter((path) => path.endsWith('.html'))) {
    const absolute = join(root, page);
    for (const link of linksOf(readFileSync(absolute, 'utf8'))) {
      if (/^[a-z]+:/i.test(link) || link.startsWith('//')) {
        broken.push(`${page}: ${link} (leaves the catalog)`);
        continue;
      }
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? absolute : join(dirname(absolute), path);
      if (!target.startsWith(root) || !existsSync(target)) broken.push(`${page}: ${link} (no such file)`);
      else if (anchor !== undefined && anchor !== '' && !idsOf(target).has(anchor))
        broken.push(`${page}: ${link} (no such anchor)`);
    }
  }
  return broken;
}
