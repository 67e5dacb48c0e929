/** `eventforge generate`: compiles the schemas and writes the output folder (or, with `--check`, reports drift). */
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { jsonReport } from '../../generator/report/json.js';
import { EXIT, type CliCommand, type CliIo } from '../command.js';
import { cacheKey, validRecord, writeRecord, type CacheInputs } from '../files/build-cache.js';
import { planOutput } from '../files/plan-output.js';
import { readNamedModules, readSources } from '../files/read-sources.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'compile schemas into TypeScript and write the output folder',
  usage: 'eventforge generate [--schemas DIR] [--out DIR] [--check] [--watch] [--no-cache] [--json]',
  options: {
    schemas: { type: 'string', default: 'schemas' },
    out: { type: 'string', default: 'generated' },
    check: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  run: async (args, io) => {
    const options = {
      schemas: String(args.values['schemas']),
      out: String(args.values['out']),
      check: args.values['check'] === true,
      cache: args.values['no-cache'] !== true,
      json: args.values['json'] === true,
    };
    if (args.values['watch'] !== true) return runGenerate(options, io);
    const { watchSchemas } = await import('../files/watch.js');
    await watchSchemas(resolve(io.cwd, options.schemas), () => runGenerate(options, io), io);
    return EXIT.ok;
  },
};

export interface GenerateOptions {
  readonly schemas: string;
  readonly out: string;
  readonly check: boolean;
  /** Use the build cache (cli/files/build-cache.ts); `--no-cache` turns it off. @default true */
  readonly cache?: boolean;
  /** Print the diagnostics and counts as one line of JSON (docs/cli.md) instead of text. @default false */
  readonly json?: boolean;
}

/** One `generate` run (also each rerun of `--watch`). */
export async function runGenerate(options: GenerateOptions, io: CliIo): Promise<number> {
  const start = performance.now();
  const outDir = resolve(io.cwd, options.out);
  const sources = await readSources(io.cwd, [options.schemas]);
  if (sources.length === 0) {
    io.err(`eventforge: no schema files (*.domain.yaml) in ${options.schemas}`);
    return EXIT.failed;
  }
  const outToCwd = relative(outDir, io.cwd).split(sep).join('/') || '.';
  const domains = plural(sources.length, 'domain');
  const shownOut = options.out.replace(/\/+$/, '');
  const modules = await readNamedModules(io.cwd, sources);
  const cache: CacheInputs = { cwd: io.cwd, outDir, sources, modules, emitOptions: { outToCwd } };
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
  const result = compile({ sources, modules, outToCwd });
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
