/**
 * Diagnostics of one schema folder, as `eventforge check` gives them: every `*.domain.yaml` of
 * the folder is compiled together (project rules see all domains), the editor's unsaved text
 * taking the place of the file's.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { compileWith } from '../../generator/pipeline.js';
import { readNamedModules } from '../files/read-sources.js';

export const SCHEMA_SUFFIX = '.domain.yaml';

/** Diagnostics per absolute file path; every schema file of the folder has an entry (maybe empty). */
export async function checkFolder(
  folder: string,
  openTexts: ReadonlyMap<string, string>,
): Promise<Map<string, Diagnostic[]>> {
  const onDisk = (await readdir(folder).catch(() => [] as string[]))
    .filter((name) => name.endsWith(SCHEMA_SUFFIX))
    .map((name) => join(folder, name));
  const paths = [
    ...new Set([
      ...onDisk,
      ...[...openTexts.keys()].filter((path) => path.startsWith(folder + '/') && path.endsWith(SCHEMA_SUFFIX)),
    ]),
  ].sort();
  const sources = await Promise.all(
    paths.map(async (path) => ({ path, text: openTexts.get(path) ?? (await readFile(path, 'utf8').catch(() => '')) })),
  );
  const byFile = new Map<string, Diagnostic[]>(paths.map((path) => [path, []]));
  // The upcasters modules the schemas name, as `check` reads them; one that cannot be read is EF331.
  const modules = await readNamedModules(folder, sources);
  for (const diagnostic of compileWith({ sources, modules, skipEmit: true }, []).diagnostics) {
    byFile.get(diagnostic.file)?.push(diagnostic);
  }
  return byFile;
}
