/**
 * What `npm pack` ships: the real `npm pack --dry-run --json` (which runs prepack, so the build)
 * must list the compiled code and its types for every entry of package.json, the files the code
 * reads at run time, README and LICENSE, and nothing of the repository's sources, tests, bench,
 * fixtures, examples or schemas.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

/** Paths in the tarball, relative to the package root. */
let shipped: string[] = [];

beforeAll(async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  shipped = pack.files.map((f) => f.path);
}, 180_000);

/** The files package.json points users at: each entry's `types` and `default` targets, and the bin. */
function promisedFiles(): string[] {
  const targets = Object.entries(manifest.exports).flatMap(([entry, target]) => {
    if (entry === './package.json') return [];
    if (typeof target === 'string') return [target];
    expect(Object.keys(target), entry).toEqual(expect.arrayContaining(['types', 'default']));
    return [target['types'] ?? '', target['default'] ?? ''];
  });
  return [...targets, ...Object.values(manifest.bin)].map((path) => path.replace(/^\.\//, ''));
}

describe('npm pack', () => {
  it('ships every file package.json exports and the bin, compiled (JavaScript and .d.ts)', () => {
    const promised = promisedFiles();
    expect(promised.length).toBeGreaterThanOrEqual(9);
    expect(promised.filter((path) => !shipped.includes(path))).toEqual([]);
    expect(promised.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships declaration maps, README, LICENSE and the files the code reads at run time', () => {
    const needed = [
      'README.md',
      'LICENSE',
      'package.json',
      'dist/runtime/index.d.ts.map',
      'domain.schema.json',
      'dist/generator/validate/domain.schema.json',
      'dist/generator/validate/shape-validator.js',
      'dist/docs/errors.md',
      'dist/runtime/sql/store-schema/sqlite/schema.prisma',
      'dist/runtime/sql/store-schema/postgresql/schema.prisma',
    ];
    expect(needed.filter((path) => !shipped.includes(path))).toEqual([]);
    for (const provider of ['sqlite', 'postgresql']) {
      const migrations = shipped.filter((path) =>
        new RegExp(`^dist/runtime/sql/store-schema/${provider}/migrations/.+/migration\\.sql$`).test(path),
      );
      expect(migrations.length, provider).toBeGreaterThan(0);
    }
  });

  it('ships no TypeScript source, test, bench, fixture, example, schema or repository tooling', () => {
    const unwanted = shipped.filter(
      (path) =>
        (path.endsWith('.ts') && !path.endsWith('.d.ts')) ||
        /(^|\/)(test|tests|bench|fixtures|examples|schemas|generated|editors|scripts|node_modules)\//.test(path) ||
        /\.test\.|\.tsbuildinfo$|^tsconfig|^vitest\.config|^biome\.json$|^package-lock\.json$|^\.|\/\./.test(path) ||
        !/^(dist\/|README\.md$|LICENSE$|package\.json$|domain\.schema\.json$)/.test(path),
    );
    expect(unwanted).toEqual([]);
  });
});
