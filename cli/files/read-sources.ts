/**
 * File I/O for the CLI: finds schema files (`*.domain.yaml`) under the paths given and reads
 * them. Paths in the result are relative to `cwd` with forward slashes, as diagnostics print them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { namedModulePath } from '../../generator/load/module-path.js';
import type { SchemaSource } from '../../generator/load/source-doc.js';

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
    if (info === undefined) throw new SourcesError(`${displayPath(cwd, absolute)}: no such file or folder`);
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

/**
 * `upcasters: <module path>` anywhere in a schema, the key and value quoted or not. Read before
 * parsing (the build cache keys on the modules too), so it errs towards matching: a match that
 * is not the domain's module costs one failed read, a miss would report the module as absent.
 */
const NAMED_MODULE = /(?:^|[\s{,])["']?upcasters["']?[ \t]*:[ \t]*(?:"([^"]+)"|'([^']+)'|([^\s#,{}[\]'"]+))/gm;
const MODULE_EXTENSION = /\.(ts|mts|js|mjs)$/;

/**
 * Reads the TypeScript modules the schemas name (`upcasters:`) that exist, for the compiler to
 * check them; one that does not exist is left out, and the compiler reports it if it is named.
 */
export async function readNamedModules(cwd: string, sources: readonly SchemaSource[]): Promise<SchemaSource[]> {
  const paths = new Set<string>();
  for (const source of sources) {
    for (const match of source.text.matchAll(NAMED_MODULE)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (MODULE_EXTENSION.test(specifier)) paths.add(namedModulePath(source.path, specifier));
    }
  }
  const modules: SchemaSource[] = [];
  for (const path of [...paths].sort()) {
    const text = await readFile(resolve(cwd, path), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new SourcesError(`${path}: cannot read the upcasters module: ${error.message}`);
    });
    if (text !== undefined) modules.push({ path, text });
  }
  return modules;
}

/** `schemas/bank.domain.yaml`: relative to cwd when inside it, with forward slashes. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join('/');
}
