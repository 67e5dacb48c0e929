/**
 * What `npm pack` ships, for both packages: the real `npm pack --dry-run --json` of the root (the
 * runtime, eventforge; prepack runs the build, which also stages the command) and of
 * dist/cli-package/ (the command and compiler, @eventforge/cli). Each must list the compiled code
 * and its types for every entry of its package.json, the files its code reads at run time, README
 * and LICENSE, and nothing of the repository's sources, tests, bench, fixtures, examples or
 * schemas; the runtime nothing of the compiler, the command nothing of the runtime.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cliStage = join(root, 'dist', 'cli-package');

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly bin?: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Paths in each tarball, relative to its package root. */
let runtimeFiles: string[] = [];
let cliFiles: string[] = [];
let runtime: Manifest;
let cli: Manifest;

async function packedFiles(folder: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['pack', folder, '--dry-run', '--json'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path);
}

beforeAll(async () => {
  runtimeFiles = await packedFiles('.');
  cliFiles = await packedFiles('./dist/cli-package');
  runtime = readManifest(root);
  cli = readManifest(cliStage);
}, 180_000);

/** The files a package.json points users at: each entry's `types` and `default` targets, and the bin. */
function promisedFiles(manifest: Manifest): string[] {
  const targets = Object.entries(manifest.exports).flatMap(([entry, target]) => {
    if (entry === './package.json') return [];
    if (typeof target === 'string') return [target];
    expect(Object.keys(target), entry).toEqual(expect.arrayContaining(['types', 'default']));
    return [target['types'] ?? '', target['default'] ?? ''];
  });
  return [...targets, ...Object.values(manifest.bin ?? {})].map((path) => path.replace(/^\.\//, ''));
}

/** The packages the TypeScript files under `folders` import (bare specifiers, subpaths cut to the package). */
function importedPackages(...folders: string[]): string[] {
  const names = new Set<string>();
  for (const folder of folders) {
    for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath, entry.name);
      // The shape validator's builder is a dev tool (`npm run build:schema-validator`), not shipped code.
      if (
        !entry.isFile() ||
        !file.endsWith('.ts') ||
        relative(root, file) === 'generator/validate/build-shape-validator.ts'
      )
        continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? '';
        // Relative, built in, or a line of emitted code inside a template string.
        if (spec.startsWith('.') || spec.startsWith('node:') || spec.includes('${')) continue;
        names.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  }
  return [...names].sort();
}

/** Paths no tarball may hold: sources, tests, bench, fixtures, repository tooling. */
function repositoryOnly(paths: readonly string[]): string[] {
  return paths.filter(
    (path) =>
      (path.endsWith('.ts') && !path.endsWith('.d.ts')) ||
      /(^|\/)(test|tests|bench|fixtures|examples|schemas|generated|editors|scripts|node_modules)\//.test(path) ||
      /\.test\.|\.tsbuildinfo$|^tsconfig|^vitest\.config|^biome\.json$|^package-lock\.json$|^\.|\/\./.test(path),
  );
}

describe('npm pack of the runtime package, eventforge (the repository root)', () => {
  it('ships every file package.json exports, compiled (JavaScript and .d.ts), and has no bin', () => {
    const promised = promisedFiles(runtime);
    expect(promised.length).toBeGreaterThanOrEqual(11);
    expect(promised.filter((path) => !runtimeFiles.includes(path))).toEqual([]);
    expect(promised.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    // Two packages naming one bin would fight over node_modules/.bin/eventforge.
    expect(runtime.bin).toBeUndefined();
  });

  it('ships declaration maps, README, LICENSE, the JSON Schema and the store’s migrations', () => {
    const needed = [
      'README.md',
      'LICENSE',
      'package.json',
      'dist/runtime/index.d.ts.map',
      'domain.schema.json',
      'dist/cli/config/index.js',
      'dist/runtime/sql/store-schema/sqlite/schema.prisma',
      'dist/runtime/sql/store-schema/postgresql/schema.prisma',
    ];
    expect(needed.filter((path) => !runtimeFiles.includes(path))).toEqual([]);
    for (const provider of ['sqlite', 'postgresql']) {
      const migrations = runtimeFiles.filter((path) =>
        new RegExp(`^dist/runtime/sql/store-schema/${provider}/migrations/.+/migration\\.sql$`).test(path),
      );
      expect(migrations.length, provider).toBeGreaterThan(0);
    }
  });

  it('ships nothing of the command or the compiler, and depends only on what the runtime imports', () => {
    const unwanted = [
      ...repositoryOnly(runtimeFiles),
      ...runtimeFiles.filter(
        (path) =>
          !/^(dist\/runtime\/|dist\/cli\/config\/index\.(js|d\.ts|d\.ts\.map)$|README\.md$|LICENSE$|package\.json$|domain\.schema\.json$)/.test(
            path,
          ),
      ),
    ];
    expect(unwanted).toEqual([]);
    expect(Object.keys(runtime.dependencies ?? {}).sort()).toEqual(['@prisma/driver-adapter-utils', 'decimal.js']);
    // What runtime/ imports is a dependency or an (optional) peer: nothing the user must find out by failing.
    const declared = [...Object.keys(runtime.dependencies ?? {}), ...Object.keys(runtime.peerDependencies ?? {})];
    expect(importedPackages('runtime').filter((name) => !declared.includes(name))).toEqual([]);
  });
});

describe('npm pack of the command package, @eventforge/cli (dist/cli-package)', () => {
  it('ships every file its package.json exports and the bin, compiled', () => {
    expect(cli.name).toBe('@eventforge/cli');
    expect(cli.version).toBe(runtime.version);
    expect(cli.bin).toEqual({ eventforge: './dist/cli/bin.js' });
    const promised = promisedFiles(cli);
    expect(promised).toContain('dist/generator/index.js');
    expect(promised.filter((path) => !cliFiles.includes(path))).toEqual([]);
  });

  it('ships the files the compiler and the command read at run time', () => {
    const needed = [
      'README.md',
      'LICENSE',
      'package.json',
      'dist/generator/validate/domain.schema.json',
      'dist/generator/validate/shape-validator.js',
      'dist/docs/errors.md',
      'dist/cli/lsp/server.js',
    ];
    expect(needed.filter((path) => !cliFiles.includes(path))).toEqual([]);
  });

  it('ships no runtime (it loads the application’s eventforge, a peer at the same version) and no sources', () => {
    const unwanted = [
      ...repositoryOnly(cliFiles),
      ...cliFiles.filter((path) => !/^(dist\/(cli|generator|docs)\/|README\.md$|LICENSE$|package\.json$)/.test(path)),
    ];
    expect(unwanted).toEqual([]);
    expect(cli.peerDependencies?.['eventforge']).toBe(runtime.version);
    expect(Object.keys(cli.dependencies ?? {})).toEqual(
      expect.arrayContaining(['yaml', 'ajv', '@ts-morph/common', 'handlebars', 'chokidar', 'jiti']),
    );
    expect(Object.keys(cli.dependencies ?? {})).not.toContain('eventforge');
  });

  it('depends on exactly the packages cli/ and generator/ import, beside its peer eventforge', () => {
    const imported = importedPackages('cli', 'generator').filter((name) => name !== 'eventforge');
    expect(Object.keys(cli.dependencies ?? {}).sort()).toEqual(imported);
  });
});
