/** `eventforge generate`: compiles the schemas and writes the output folder (or, with `--check`, reports drift). */
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { jsonReport } from '../../generator/report/json.js';
import { EXIT, stringFlag, type CliCommand, type CliIo } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { cacheKey, generatorFingerprint, validRecord, writeRecord, type CacheInputs } from '../files/build-cache.js';
import { cacheFolder } from '../files/cache-folder.js';
import { cachedTypeScript } from '../files/cached-typescript.js';
import { upcasterFindingStore } from '../files/upcaster-findings.js';
import { planOutput } from '../files/plan-output.js';
import { displayPath, readNamedModules, readSources } from '../files/read-sources.js';
import type { ConfigProvider } from '../config/index.js';
import type { ResolvedPrismaProject } from '../config/resolve-config.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'compile schemas into TypeScript and write the output folder',
  usage:
    'eventforge generate [--schemas DIR] [--out DIR] [--runtime-import SPECIFIER] [--check] [--watch] [--no-cache] [--json] [--config FILE]   ' +
    '(defaults: the config file, else schemas/ → generated/)',
  options: {
    schemas: { type: 'string' },
    out: { type: 'string' },
    'runtime-import': { type: 'string' },
    config: { type: 'string' },
    check: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  run: async (args, io) => {
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    // Flags override the config; a flag's path is relative to where the command runs.
    const schemasFlag = stringFlag(args, 'schemas');
    const outFlag = stringFlag(args, 'out');
    const options: GenerateOptions = {
      schemas: schemasFlag === undefined ? config.schemas : [resolve(io.cwd, schemasFlag)],
      out: outFlag === undefined ? config.out : resolve(io.cwd, outFlag),
      runtimeImport: stringFlag(args, 'runtime-import') ?? config.runtimeImport,
      ...(config.migrations === undefined ? {} : { migrations: config.migrations, providers: config.providers }),
      ...(config.prisma === undefined ? {} : { prisma: config.prisma }),
      check: args.values['check'] === true,
      cache: args.values['no-cache'] !== true,
      json: args.values['json'] === true,
    };
    if (args.values['watch'] !== true) return runGenerate(options, io);
    const { watchSchemas } = await import('../files/watch.js');
    await watchSchemas(
      [options.schemas].flat().map((path) => resolve(io.cwd, path)),
      () => runGenerate(options, io),
      io,
    );
    return EXIT.ok;
  },
};

export interface GenerateOptions {
  /** Schema folders or files, relative to the working directory or absolute. */
  readonly schemas: string | readonly string[];
  /** The output folder, relative to the working directory or absolute. */
  readonly out: string;
  /** The module generated code imports the runtime from. @default 'eventforge/runtime' */
  readonly runtimeImport?: string;
  /** Where to keep the event store's migrations (`<migrations>/<provider>/`); none kept when absent. */
  readonly migrations?: string;
  /** The providers whose migrations are kept in `migrations`. @default ['sqlite', 'postgresql'] */
  readonly providers?: readonly ConfigProvider[];
  /** The project's Prisma folders, to add the store's models and migrations to (docs/prisma.md). */
  readonly prisma?: ResolvedPrismaProject;
  readonly check: boolean;
  /** Use the build cache (cli/files/build-cache.ts); `--no-cache` turns it off. @default true */
  readonly cache?: boolean;
  /** Print the diagnostics and counts as one line of JSON (docs/cli.md) instead of text. @default false */
  readonly json?: boolean;
}

/** One `generate` run (also each rerun of `--watch`): the output folder, the config's migrations folder, the Prisma folders. */
export async function runGenerate(options: GenerateOptions, io: CliIo): Promise<number> {
  const code = await generateWithMigrations(options, io);
  if (options.prisma === undefined || code !== EXIT.ok) return code;
  const { keepPrismaProject } = await import('../files/keep-prisma-project.js');
  return keepPrismaProject(options.prisma, resolve(io.cwd, options.out), options.check, options.json !== true, io);
}

async function generateWithMigrations(options: GenerateOptions, io: CliIo): Promise<number> {
  if (options.migrations === undefined) return generateOutput(options, io);
  const root = resolve(io.cwd, options.migrations);
  const shownRoot = displayPath(io.cwd, root) || '.';
  const { planStoreMigrations } = await import('../files/store-migrations.js');
  const { plan, edited } = await planStoreMigrations(root, options.providers ?? ['sqlite', 'postgresql']);
  if (edited.length > 0) {
    // An applied migration is recorded with its checksum: a changed file would stop `migrate`.
    io.err(
      `eventforge: ${edited.map((path) => `${shownRoot}/${path}`).join(', ')} ${edited.length === 1 ? 'differs' : 'differ'} from the event store's migration eventforge ships; ` +
        'restore it (delete the file and run `eventforge generate`) and put changes of your own in a new migration folder; nothing written',
    );
    return EXIT.failed;
  }
  const code = await generateOutput(options, io);
  const text = options.json !== true;
  if (options.check) {
    if (text) for (const path of plan.created) io.out(`  would create ${shownRoot}/${path}`);
    if (plan.created.length === 0) return code;
    if (text)
      io.out(
        `eventforge generate --check: ${plural(plan.created.length, 'file')} of the event store's migrations missing from ${shownRoot}/; run \`eventforge generate\``,
      );
    return EXIT.failed;
  }
  if (code !== EXIT.ok || plan.toWrite.length === 0) return code;
  const { applyPlan } = await import('../files/apply-plan.js');
  await applyPlan(root, plan);
  if (text)
    io.out(
      `eventforge generate: the event store's migrations: ${plural(plan.toWrite.length, 'file')} written to ${shownRoot}/`,
    );
  return code;
}

async function generateOutput(options: GenerateOptions, io: CliIo): Promise<number> {
  const start = performance.now();
  const outDir = resolve(io.cwd, options.out);
  const schemaPaths = [options.schemas].flat();
  const sources = await readSources(io.cwd, schemaPaths);
  if (sources.length === 0) {
    io.err(
      `eventforge: no schema files (*.domain.yaml) in ${schemaPaths.map((path) => displayPath(io.cwd, resolve(io.cwd, path))).join(', ')}`,
    );
    return EXIT.failed;
  }
  const outToCwd = relative(outDir, io.cwd).split(sep).join('/') || '.';
  const runtimeImport = options.runtimeImport ?? 'eventforge/runtime';
  const domains = plural(sources.length, 'domain');
  const shownOut = displayPath(io.cwd, outDir) || '.';
  const modules = await readNamedModules(io.cwd, sources);
  const cache: CacheInputs = { cwd: io.cwd, outDir, sources, modules, emitOptions: { outToCwd, runtimeImport } };
  // Text: diagnostics with frames on err, then the summary lines; --json: one JSON line with the counts.
  const report = (
    diagnostics: readonly Diagnostic[],
    lines: readonly string[],
    counts: Readonly<Record<string, number>> = {},
  ): void => {
    if (options.json === true) {
      io.out(jsonReport(diagnostics, sources.length, counts));
      return;
    }
    printDiagnostics(io, diagnostics, sources);
    for (const line of lines) io.out(line);
  };
  const key = options.cache === false ? undefined : await cacheKey(cache);
  const hit = key === undefined ? undefined : await validRecord(cache, key);
  if (hit !== undefined) {
    // Provably what a full run would do: same inputs and generator, output on disk as written.
    const count = Object.keys(hit.files).length;
    report(
      hit.diagnostics,
      [
        options.check
          ? `eventforge generate --check: ${domains}, ${shownOut}/ is up to date, ${plural(count, 'file')} unchanged (cached, ${elapsed(start)})`
          : `eventforge generate: ${domains}, 0 files written, ${count} unchanged, 0 removed (cached, ${elapsed(start)})`,
      ],
      options.check ? { outOfDate: 0, unchanged: count } : { written: 0, unchanged: count, removed: 0 },
    );
    return EXIT.ok;
  }
  // Loaded on first use: `check`, `explain`, `--help` and cache hits never pay for the emitters.
  const { compile } = await import('../../generator/compile.js');
  const result = compile({
    sources,
    modules,
    outToCwd,
    runtimeImport,
    typescript: () => cachedTypeScript(cacheFolder(io.cwd)),
    ...(options.cache === false
      ? {}
      : { upcasterFindings: upcasterFindingStore(cacheFolder(io.cwd), await generatorFingerprint()) }),
  });
  const { errors, warnings } = countOf(result.diagnostics);
  if (errors > 0) {
    report(result.diagnostics, [
      `eventforge generate: ${domains}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing written (${elapsed(start)})`,
    ]);
    return EXIT.failed;
  }
  const plan = await planOutput(outDir, result.files);
  if (options.check) {
    const drift = plan.created.length + plan.changed.length + plan.stale.length;
    if (drift === 0 && key !== undefined) await writeRecord(cache, key, result.files, result.diagnostics);
    report(
      result.diagnostics,
      [
        ...plan.created.map((path) => `  would create ${shownOut}/${path}`),
        ...plan.changed.map((path) => `  would change ${shownOut}/${path}`),
        ...plan.stale.map((path) => `  would remove ${shownOut}/${path}`),
        `eventforge generate --check: ${domains}, ${drift === 0 ? `${shownOut}/ is up to date` : `${plural(drift, 'file')} out of date; run \`eventforge generate\``}, ${plural(plan.unchanged.length, 'file')} unchanged (${elapsed(start)})`,
      ],
      { outOfDate: drift, unchanged: plan.unchanged.length },
    );
    return drift === 0 ? EXIT.ok : EXIT.failed;
  }
  const { applyPlan } = await import('../files/apply-plan.js');
  await applyPlan(outDir, plan);
  if (key !== undefined) await writeRecord(cache, key, result.files, result.diagnostics);
  report(
    result.diagnostics,
    [
      `eventforge generate: ${domains}, ${plural(plan.toWrite.length, 'file')} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed (${elapsed(start)})`,
    ],
    { written: plan.toWrite.length, unchanged: plan.unchanged.length, removed: plan.stale.length },
  );
  return EXIT.ok;
}
