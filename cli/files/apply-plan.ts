/**
 * Carries out an OutputPlan in two phases, so a failure (a full disk, a permission) leaves the
 * output folder as it was: first every changed file is written to a temporary sibling; only when
 * all of them are written are they renamed over their targets (a reader never sees half a file),
 * then stale generated files are removed with the folders they leave empty. Unchanged files are
 * not touched (their mtimes stay, so watchers and build tools see no change).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputPlan } from './plan-output.js';

/** Files written (or renamed) at once: enough to keep the disk busy, few enough for any open-file limit. */
const CONCURRENT_WRITES = 32;

export async function applyPlan(outDir: string, plan: OutputPlan): Promise<void> {
  const suffix = `.${randomBytes(4).toString('hex')}.eventforge-tmp`;
  const staged: { temp: string; target: string }[] = [];
  try {
    // Each folder once, parents first; then the files, many at a time (a catalog has a thousand).
    const folders = [...new Set(plan.toWrite.map((file) => dirname(join(outDir, file.path))))].sort();
    for (const folder of folders) await mkdir(folder, { recursive: true });
    await inBatches(plan.toWrite, async (file) => {
      const target = join(outDir, file.path);
      const temp = target + suffix;
      staged.push({ temp, target });
      await writeFile(temp, file.contents, 'utf8');
    });
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  await inBatches(staged, ({ temp, target }) => rename(temp, target));
  for (const path of plan.stale) {
    await rm(join(outDir, path), { force: true });
    await removeEmptyParents(outDir, dirname(join(outDir, path)));
  }
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  let current = dir;
  while (current.length > root.length && current.startsWith(root)) {
    const entries = await readdir(current).catch(() => ['(unreadable)']);
    if (entries.length > 0) return;
    await rmdir(current);
    current = dirname(current);
  }
}

/** Runs `run` on every item, a batch at a time; every call of a failed batch has ended before it throws. */
async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += CONCURRENT_WRITES) {
    const results = await Promise.allSettled(items.slice(start, start + CONCURRENT_WRITES).map(run));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
