/**
 * planOutput and applyPlan at once, for output made one file at a time (the catalog's thousand
 * pages): each file, as soon as the iterator has made it, is compared with the one on disk and,
 * when new or changed, written to its temporary sibling, while the next file is being made. So
 * the disk works (in libuv's threads, on another core) while the main thread renders, instead
 * of after it. The guarantees are applyPlan's: nothing is renamed over a target until every file
 * is staged, a failure (of a write or of the iterator) removes what was staged, unchanged files
 * are not touched, and stale generated files are removed last. An output folder that does not
 * exist yet is made by write-new-folder.ts instead (no file to compare, none to keep).
 */
import { lstatSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import type { GeneratedFile } from '../../generator/emit/types.js';
import { CONCURRENT_WRITES, Staging } from './apply-plan.js';
import { byPath, listFiles, readIfExists, staleFiles, type OutputPlan } from './plan-output.js';
import { writeNewFolder } from './write-new-folder.js';

/** What writeStreamed did: an OutputPlan without the files' contents, which it does not keep. */
export type StreamedOutput = Omit<OutputPlan, 'toWrite'>;

export async function writeStreamed(outDir: string, files: Iterable<GeneratedFile>): Promise<StreamedOutput> {
  // Nothing to compare with or keep: the whole folder is made aside and renamed into place.
  if (lstatSync(outDir, { throwIfNoEntry: false }) === undefined)
    return { created: writeNewFolder(outDir, files), changed: [], unchanged: [], stale: [] };
  const onDisk = await listFiles(outDir);
  const present = new Set(onDisk);
  const staging = new Staging(outDir);
  const created: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  const wanted = new Set<string>();
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const start = (task: Promise<void>): void => {
    const tracked: Promise<void> = task
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };
  const write = (file: GeneratedFile, list: string[]): Promise<void> => {
    // Only the path is kept: a page's text is garbage once written (6.6 MB for the synthetic
    // schema's catalog, which would otherwise survive every young-generation collection).
    list.push(file.path);
    return staging.stage(file);
  };
  try {
    for (const file of files) {
      wanted.add(file.path);
      if (!present.has(file.path)) start(write(file, created));
      else
        start(
          readIfExists(join(outDir, file.path)).then((contents) =>
            contents === file.contents
              ? void unchanged.push(file.path)
              : write(file, contents === undefined ? created : changed),
          ),
        );
      while (running.size >= CONCURRENT_WRITES) await Promise.race(running);
      // One turn of the event loop: the reads and writes that finished go on to their next step
      // (open, write, close) before the next file is made.
      await nextTurn();
      if (failure !== undefined) break;
    }
  } catch (error) {
    failure ??= { error };
  }
  await Promise.all(running);
  if (failure !== undefined) {
    await staging.discard();
    throw failure.error;
  }
  const stale = await staleFiles(outDir, onDisk, wanted);
  await staging.commit(stale);
  return {
    created: created.sort(byPath),
    changed: changed.sort(byPath),
    unchanged: unchanged.sort(byPath),
    stale,
  };
}
