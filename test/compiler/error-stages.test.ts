/**
 * Every diagnostic code is raised in exactly one stage: generator/README.md's table maps each
 * code to the folder of its stage; every `'EF123'` literal in generator/ must sit in that folder
 * (not in a sub-folder that is another stage), and the table covers docs/errors.md exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedCodes } from '../../cli/commands/explain.js';

const repo = join(import.meta.dirname, '..', '..');

/** `EF501, EF503–EF506` → EF501, EF503, EF504, EF505, EF506. */
function expandCodes(text: string): string[] {
  return text.split(',').flatMap((part) => {
    const [from, to] = part
      .trim()
      .split('–')
      .map((code) => Number(code.replace('EF', '')));
    if (from === undefined || Number.isNaN(from)) throw new Error(`not a code: "${part}"`);
    const last = to ?? from;
    return Array.from({ length: last - from + 1 }, (_, i) => `EF${from + i}`);
  });
}

/** The stage table of generator/README.md: code → stage folder (relative to the repo, forward slashes). */
function stageTable(): Map<string, string> {
  const readme = readFileSync(join(repo, 'generator', 'README.md'), 'utf8');
  const table = new Map<string, string>();
  for (const match of readme.matchAll(/^\| \w+ \| `(generator\/[\w/]*?)\/?` \| (EF[^|]+) \|$/gm)) {
    const folder = match[1] ?? '';
    for (const code of expandCodes(match[2] ?? '')) {
      expect(table.has(code), `${code} is listed for ${table.get(code)} and ${folder}`).toBe(false);
      table.set(code, folder);
    }
  }
  return table;
}

/** The stage a source file belongs to: the most specific stage folder it lies in. */
function stageOf(file: string, folders: readonly string[]): string | undefined {
  return folders
    .filter((folder) => file.startsWith(`${folder}/`))
    .sort((a, b) => b.length - a.length)
    .at(0);
}

/** Every code literal in generator/, with the files that write it. */
function codeSites(): Map<string, string[]> {
  const sites = new Map<string, string[]>();
  const files = readdirSync(join(repo, 'generator'), { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts'),
  );
  for (const entry of files) {
    const path = join(entry.parentPath, entry.name);
    const file = relative(repo, path).split(sep).join('/');
    for (const match of readFileSync(path, 'utf8').matchAll(/['"`](EF\d{3})['"`]/g)) {
      const code = match[1] ?? '';
      sites.set(code, [...(sites.get(code) ?? []), file]);
    }
  }
  return sites;
}

/** "code in file" for every code literal outside the folder the table gives its stage. */
function misplaced(sites: ReadonlyMap<string, readonly string[]>, table: ReadonlyMap<string, string>): string[] {
  const folders = [...new Set(table.values())];
  return [...sites].flatMap(([code, files]) =>
    files.filter((file) => stageOf(file, folders) !== table.get(code)).map((file) => `${code} in ${file}`),
  );
}

describe('error codes and stages', () => {
  const table = stageTable();

  it('maps every documented code to one stage, and no other code', () => {
    const documented = documentedCodes(readFileSync(join(repo, 'docs', 'errors.md'), 'utf8'));
    expect([...table.keys()].sort()).toEqual([...documented].sort());
  });

  it('finds each code raised only in the folder of its stage', () => {
    expect(misplaced(codeSites(), table)).toEqual([]);
  });

  it('reports a code written in a second stage, also in a sub-folder that is a stage of its own', () => {
    const sites = codeSites();
    sites.set('EF501', [...(sites.get('EF501') ?? []), 'generator/validate/rules/apply.ts']);
    sites.set('EF110', [...(sites.get('EF110') ?? []), 'generator/validate/typescript/probe.ts']);
    expect(misplaced(sites, table).sort()).toEqual([
      'EF110 in generator/validate/typescript/probe.ts',
      'EF501 in generator/validate/rules/apply.ts',
    ]);
  });
});
