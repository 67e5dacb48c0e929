/**
 * The compiled command, `dist/cli/bin.js`, as a user runs it: built first (`npm run build`) when
 * it is missing or older than any source it is built from.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './run.js';

const repo = join(import.meta.dirname, '..');
export const BUILT_BIN = join(repo, 'dist', 'cli', 'bin.js');

export function ensureBuilt(report: BenchReport): string {
  const built = existsSync(BUILT_BIN) ? statSync(BUILT_BIN).mtimeMs : 0;
  const newest = Math.max(
    ...['runtime', 'generator', 'cli', 'scripts'].flatMap((dir) =>
      readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => statSync(join(e.parentPath, e.name)).mtimeMs),
    ),
    statSync(join(repo, 'package.json')).mtimeMs,
  );
  if (built < newest) {
    report.log('dist/ is missing or stale: npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'pipe' });
  }
  return BUILT_BIN;
}
