/**
 * Writes the TypeScript a compile() produced into a throw-away folder at the repository root
 * (so `eventforge/runtime` and node_modules resolve as for generated/) and imports one module.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GeneratedFile } from '../../generator/index.js';
import { ROOT } from '../emit/golden-cases.js';

export interface ImportedGenerated<T> {
  readonly module: T;
  /** The folder the files were written to. */
  readonly dir: string;
  /** Deletes the folder. */
  remove(): void;
}

/** Imports `<folder>/<module>.ts` of the generated files, e.g. `pantry/aggregates`. */
export async function importGenerated<T>(
  files: readonly GeneratedFile[],
  module: string,
  prefix: string,
): Promise<ImportedGenerated<T>> {
  const dir = mkdtempSync(join(ROOT, prefix));
  for (const file of files.filter((f) => /\.(ts|js)$/.test(f.path))) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
  const imported = (await import(pathToFileURL(join(dir, `${module}.ts`)).href)) as T;
  return { module: imported, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
