/**
 * Carries out an OutputPlan: each changed file is written to a temporary sibling and renamed
 * over the target (a reader never sees half a file), stale generated files are removed, and
 * folders left empty by a removal are removed too. Unchanged files are not touched (their
 * mtimes stay, so watchers and build tools see no change).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputPlan } from './plan-output.js';

export async function applyPlan(outDir: string, plan: OutputPlan): Promise<void> {
  for (const file of plan.toWrite) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, file.contents, 'utf8');
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
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
