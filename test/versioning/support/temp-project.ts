/**
 * A throw-away TypeScript project outside the repository holding generated code: type-checked
 * with the repository's tsc and importable by tests. `eventforge/runtime` and the installed
 * packages resolve through node_modules links to this repository.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { GeneratedFile } from '../../../generator/emit/types.js';

const root = resolve('.');

export interface TempProject {
  readonly dir: string;
  write(path: string, contents: string): void;
  /** `tsc --noEmit` over the project: exit code and output. */
  typecheck(): { code: number; output: string };
  remove(): void;
}

export function tempProject(files: readonly GeneratedFile[], outDir = 'generated'): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-project-'));
  const write = (path: string, contents: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  };
  for (const file of files) write(`${outDir}/${file.path}`, file.contents);
  write('package.json', JSON.stringify({ name: 'temp-project', type: 'module' }));
  // Every installed package, plus this repository as the `eventforge` package.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  symlinkSync(root, join(dir, 'node_modules', 'eventforge'), 'dir');
  write(
    'tsconfig.json',
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { types: ['node'] },
      include: [outDir, 'schemas'],
    }),
  );
  return {
    dir,
    write,
    typecheck() {
      const run = spawnSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], {
        encoding: 'utf8',
      });
      return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
