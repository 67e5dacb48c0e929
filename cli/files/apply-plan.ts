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

export async function applyPlan(outDir: string, plan: OutputPlan): Promise<void> {
  const suffix = `.${randomBytes(4).toString('hex')}.eventforge-tmp`;
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const file of plan.toWrite) {
      const target = join(outDir, file.path);
      await mkdir(dirname(target), { recursive: true });
      const temp = target + suffix;
      staged.push({ temp, target });
      await writeFile(temp, file.contents, 'utf8');
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  for (const { temp, target } of staged) await rename(temp, target);
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
