import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitters as registeredEmitters } from '../generator/emit/index.js';

const root = join(import.meta.dirname, '..');

function tsFiles(dir: string): string[] {
  const abs = join(root, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs).flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return tsFiles(relative(root, path));
    return /\.(ts|js)$/.test(name) ? [relative(root, path)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
}

/** The top-level folder an import lands in (`runtime`, `generator`, `cli`, …), or undefined for a package. */
function folderOf(file: string, spec: string): string | undefined {
  const ownPackage = /^eventforge\/([^/]+)/.exec(spec);
  if (ownPackage !== null) return ownPackage[1];
  if (!spec.startsWith('.')) return undefined;
  return relative(root, join(root, dirname(file), spec)).split(sep)[0];
}

/** `from` → `to` imports, as "file imports spec" lines. */
function importsBetween(from: string, to: string): string[] {
  return tsFiles(from).flatMap((file) =>
    importsOf(file)
      .filter((spec) => folderOf(file, spec) === to)
      .map((spec) => `${file} imports ${spec}`),
  );
}

describe('architecture', () => {
  it('runtime/ never imports generator/', () => {
    const offenders = tsFiles('runtime').flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            spec.includes('generator/') ||
            spec === 'eventforge/generator' ||
            /^(ts-morph|@ts-morph|handlebars|ajv)/.test(spec),
        )
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  // runtime ↛ generator, runtime ↛ cli, generator ↛ runtime, generator ↛ cli: the compiler is pure
  // and database-free, the runtime knows no compiler, and only the CLI (the front end) sees both.
  it.each([
    ['runtime', 'generator'],
    ['runtime', 'cli'],
    ['generator', 'runtime'],
    ['generator', 'cli'],
  ])('%s/ never imports %s/', (from, to) => {
    expect(tsFiles(from).length).toBeGreaterThan(0);
    expect(importsBetween(from, to)).toEqual([]);
  });

  // The compiler is a pure function of its inputs: the CLI reads files and runs git, then passes
  // text in. The exceptions are the dev tools run by `npm run build:schema-validator` and
  // `npm run build:catalog-templates`, not by the CLI.
  it('generator/ touches no disk and runs no process (no node:fs, node:child_process)', () => {
    const devTools = [
      join('generator', 'validate', 'build-shape-validator.ts'),
      join('generator', 'emit', 'catalog', 'build-templates.ts'),
    ];
    const offenders = tsFiles('generator')
      .filter((file) => !devTools.includes(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(node:)?(fs|child_process)(\/|$)/.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      );
    expect(tsFiles('generator').length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  // The command ships in its own package (@eventforge/cli) without the runtime: it loads the
  // application's eventforge by name, so a relative path into runtime/ would not exist there.
  it('cli/ reaches the runtime only by its package entries (eventforge/runtime, …/sql, …/command)', () => {
    const entries = new Set(['eventforge/runtime', 'eventforge/runtime/sql', 'eventforge/runtime/command']);
    const offenders = importsBetween('cli', 'runtime').filter((line) => !entries.has(line.split(' imports ')[1] ?? ''));
    expect(offenders).toEqual([]);
  });

  it('no command imports the CLI entry (cli/main.ts lists the commands, so that would be a cycle)', () => {
    const offenders = tsFiles('cli')
      // bin.ts is the compiled package's process entry: it sets the process's V8 flags and runs main.
      .filter((file) => file !== join('cli', 'main.ts') && file !== join('cli', 'bin.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter(
            (spec) =>
              spec.startsWith('.') &&
              relative(root, join(root, dirname(file), spec)).replace(/\.[jt]s$/, '') === join('cli', 'main'),
          )
          .map((spec) => `${file} imports ${spec}`),
      );
    expect(tsFiles('cli').length).toBeGreaterThan(1);
    expect(offenders).toEqual([]);
  });

  it('sees imports that cross folders, relative or by package name (so the checks above can fail)', () => {
    expect(folderOf('generator/emit/prisma/index.ts', '../../../runtime/errors.js')).toBe('runtime');
    expect(folderOf('generator/pipeline.ts', 'eventforge/runtime')).toBe('runtime');
    expect(folderOf('runtime/index.ts', '../cli/main.js')).toBe('cli');
    expect(folderOf('generator/ir/model.ts', './naming.js')).toBe('generator');
    expect(folderOf('cli/main.ts', 'node:fs')).toBeUndefined();
    expect(importsBetween('cli', 'runtime').length).toBeGreaterThan(0);
    expect(importsBetween('cli', 'generator').length).toBeGreaterThan(0);
  });

  // A consumer installs eventforge alone: generated code reaches every other package through the runtime.
  it("generated code imports only the runtime's two entries and its own folder", () => {
    const allowed = /^(eventforge\/runtime(\/internal)?$|\.\/|\.\.\/)/;
    const files = [...tsFiles('generated'), ...tsFiles('test/fixtures/golden/kitchen/expected')];
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !allowed.test(spec) || ['generator', 'cli'].includes(folderOf(file, spec) ?? ''))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('generated code imports the runtime by name, never as a namespace', () => {
    const offenders = tsFiles('generated').filter((file) =>
      /import \* as \w+ from 'eventforge\/runtime/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(tsFiles('generated').length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it("the runtime's public entry and its entry for generated code share no export", async () => {
    const publicApi = Object.keys(await import('../runtime/index.js'));
    const internal = Object.keys(await import('../runtime/internal.js'));
    expect(internal).toContain('checkPayload');
    expect(publicApi.filter((name) => internal.includes(name))).toEqual([]);
  });

  it('every generated TypeScript file starts with the do-not-edit header', () => {
    const missing = tsFiles('generated').filter(
      (file) =>
        !/^\/\/ Code generated by eventforge from \S+\. DO NOT EDIT\./.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(missing).toEqual([]);
  });

  it('emitters do not import each other (what two share sits in a module both import)', () => {
    const emitters = new Set(
      tsFiles('generator/emit').filter((file) => /:\s*Emitter\s*=/.test(readFileSync(join(root, file), 'utf8'))),
    );
    // Every registered emitter is found here, so the check below covers them all.
    expect(emitters.size).toBe(registeredEmitters.length);
    const offenders = [...emitters].flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'))
        .filter((target) => target !== file && emitters.has(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
