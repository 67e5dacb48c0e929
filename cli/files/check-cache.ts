/**
 * The result cache of `eventforge check`: an unchanged re-run prints the diagnostics of the last
 * run without compiling. Most of a check of schemas with an upcasters module is loading the
 * TypeScript compiler for it, which a cached run never does. Keyed as generate's build cache is
 * (every schema's and named module's path and text, the generator's fingerprint), one record per
 * working folder and list of schema folders, in `<cwd>/node_modules/.cache/eventforge/`. Reading
 * and writing are best effort: anything unreadable is a miss, and an unwritable folder no cache.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../generator/diagnostics.js';
import type { SchemaSource } from '../../generator/load/source-doc.js';
import { cacheKey } from './build-cache.js';
import { cacheFolder } from './cache-folder.js';

/** Bumped when the record's layout or meaning changes. */
const FORMAT = 1;

interface CheckRecord {
  readonly format: number;
  readonly key: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** What a check's diagnostics depend on. */
export interface CheckInputs {
  readonly cwd: string;
  /** The schema paths as given (they name the record). */
  readonly paths: readonly string[];
  readonly sources: readonly SchemaSource[];
  readonly modules: readonly SchemaSource[];
}

function recordFile(inputs: CheckInputs): string {
  const name = createHash('sha256')
    .update(JSON.stringify([...inputs.paths].sort()))
    .digest('hex')
    .slice(0, 16);
  return join(cacheFolder(inputs.cwd), `check-${name}.json`);
}

/** The key of a check run (generate's key with no output options: the same inputs decide the diagnostics). */
export function checkKey(inputs: CheckInputs): Promise<string> {
  const { cwd, sources, modules } = inputs;
  return cacheKey({ cwd, outDir: '', sources, modules, emitOptions: { command: 'check' } });
}

/** The diagnostics of an earlier run with the same key, or undefined. */
export async function cachedDiagnostics(inputs: CheckInputs, key: string): Promise<readonly Diagnostic[] | undefined> {
  try {
    const record = JSON.parse(await readFile(recordFile(inputs), 'utf8')) as CheckRecord;
    return record.format === FORMAT && record.key === key && Array.isArray(record.diagnostics)
      ? record.diagnostics
      : undefined;
  } catch {
    return undefined;
  }
}

/** Records a run's diagnostics under its key. */
export async function recordDiagnostics(
  inputs: CheckInputs,
  key: string,
  diagnostics: readonly Diagnostic[],
): Promise<void> {
  const target = recordFile(inputs);
  const temp = `${target}.${process.pid}.tmp`;
  const record: CheckRecord = { format: FORMAT, key, diagnostics };
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temp, `${JSON.stringify(record)}\n`, 'utf8');
    await rename(temp, target);
  } catch {
    // No cache (a read-only checkout, no permission): the next run compiles in full.
  }
}
