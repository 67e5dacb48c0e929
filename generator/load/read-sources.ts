/**
 * File I/O for the CLI: finds schema files (`*.domain.yaml`) under the paths given and reads
 * them. Paths in the result are relative to `cwd` with forward slashes, as diagnostics print them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SchemaSource } from './source-doc.js';

export const SCHEMA_SUFFIX = '.domain.yaml';

export class SourcesError extends Error {
  override readonly name = 'SourcesError';
}

/** Reads every schema file named by `paths` (files, or folders searched recursively). */
export async function readSources(cwd: string, paths: readonly string[]): Promise<SchemaSource[]> {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = isAbsolute(path) ? path : resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) throw new SourcesError(`${path}: no such file or folder`);
    if (info.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true });
      for (const entry of entries) {
        const name = String(entry);
        if (name.endsWith(SCHEMA_SUFFIX) && !name.split(sep).includes('node_modules')) found.add(join(absolute, name));
      }
    } else {
      found.add(absolute);
    }
  }
  const sources: SchemaSource[] = [];
  for (const absolute of [...found].sort()) {
    sources.push({ path: displayPath(cwd, absolute), text: await readFile(absolute, 'utf8') });
  }
  return sources;
}

/** `schemas/bank.domain.yaml`: relative to cwd when inside it, with forward slashes. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join('/');
}
