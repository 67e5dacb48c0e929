/**
 * The `eventforge` command line: argv → compile → write or check. The only part of the
 * compiler that touches the file system (with generator/load/read-sources.ts and
 * generator/write/). Subcommands are rows of `commands`, so adding one is a small edit.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InternalError, type Diagnostic } from './diagnostics.js';
import type { SchemaSource } from './load/source-doc.js';
import { readNamedModules, readSources } from './load/read-sources.js';
import { jsonReport } from './report/json.js';
import { colored, plain, wantsColor } from './report/paint.js';
import { renderDiagnostic } from './report/render.js';
import { cacheKey, validRecord, writeRecord, type CacheInputs } from './write/build-cache.js';
import { planOutput } from './write/plan-output.js';
import { explainCode } from './write/explain.js';
import { migrateCommand } from './migrate/command.js';
// Everything else (the pipeline and its libraries, the emitters, the watcher, --against) is
// imported where it is used: each TypeScript module costs start-up time through tsx, and an
// unchanged `generate` (a build-cache hit) or `--help` needs none of them.

/** Where the CLI prints, and the folder it runs in (tests pass their own). */
export interface CliIo {
  readonly cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Ends `--watch`. */
  readonly signal?: AbortSignal;
  /** Set when `err` goes to a terminal-like stream: diagnostics get a code frame, coloured if `color`. */
  readonly terminal?: { readonly color: boolean };
}

export interface CliCommand {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Exit codes: 0 success, 1 errors in the schemas, drift or I/O failure, 2 wrong usage, 3 a bug in eventforge. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const commands: CliCommand[] = [
  {
    name: 'check',
    summary: 'validate schemas and print every problem (writes nothing)',
    usage: 'eventforge check [paths...] [--against <file|folder|git revision>] [--json]   (default: schemas/)',
    options: { against: { type: 'string' }, json: { type: 'boolean', default: false } },
    run: async (args, io) =>
      runCheck(args.positionals.length > 0 ? args.positionals : ['schemas'], io, {
        ...(typeof args.values['against'] === 'string' ? { against: args.values['against'] } : {}),
        json: args.values['json'] === true,
      }),
  },
  {
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
      const { watchSchemas } = await import('./write/watch.js');
      await watchSchemas(resolve(io.cwd, options.schemas), () => runGenerate(options, io), io);
      return EXIT.ok;
    },
  },
  {
    name: 'explain',
    summary: 'print the documentation of an error code, e.g. `eventforge explain EF200`',
    usage: 'eventforge explain <code>',
    options: {},
    run: async (args, io) => {
      const code = args.positionals[0];
      if (code === undefined) return usage(io, 'explain needs an error code, e.g. `eventforge explain EF200`');
      const text = explainCode(await readFile(join(packageRoot, 'docs', 'errors.md'), 'utf8'), code);
      if (text === undefined) {
        io.err(`eventforge: no error code ${code.toUpperCase()}; docs/errors.md lists them all`);
        return EXIT.failed;
      }
      io.out(text);
      return EXIT.ok;
    },
  },
  migrateCommand,
  {
    name: 'lsp',
    summary: 'run the language server for editors (diagnostics, completion, hover, definitions, symbols)',
    usage: 'eventforge lsp --stdio',
    options: { stdio: { type: 'boolean', default: false } },
    run: async (args, io) => {
      if (args.values['stdio'] !== true) return usage(io, 'lsp speaks the Language Server Protocol over stdio: `eventforge lsp --stdio`');
      const { startLanguageServer } = await import('./lsp/server.js');
      startLanguageServer();
      // Runs until the client sends `exit` or closes stdin; the server ends the process then.
      return new Promise<number>(() => {});
    },
  },
];

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    io.out(pkg.version);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return usage(io, `unknown command "${name}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n\n${command.summary}`);
    return EXIT.ok;
  }
  let parsed: ParsedArgs;
  try {
    const result = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    parsed = { values: result.values as ParsedArgs['values'], positionals: result.positionals };
  } catch (error) {
    return usage(io, `${error instanceof Error ? error.message : String(error)}\nusage: ${command.usage}`);
  }
  try {
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof InternalError) {
      io.err(`eventforge: internal error: ${error.message}\n${error.stack ?? ''}`);
      return EXIT.internal;
    }
    // Anything else is the environment's (a folder that cannot be read or written): say what, not a stack.
    io.err(`eventforge: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'eventforge: schema-first event sourcing for TypeScript',
    '',
    'usage: eventforge <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  --help, -h     this text (or `eventforge <command> --help`)',
    '  --version, -v  the version',
    '',
    'exit codes: 0 success, 1 errors in the schemas, drift (--check) or I/O failure, 2 wrong usage,',
    '            3 internal error (a bug in eventforge)',
  ].join('\n');
}

function usage(io: CliIo, message: string): number {
  io.err(`eventforge: ${message}`);
  io.err('run `eventforge --help` for the commands');
  return EXIT.usage;
}

function processIo(): CliIo {
  const color = wantsColor(process.env, process.stderr.isTTY === true);
  return { cwd: process.cwd(), out: (line) => console.log(line), err: (line) => console.error(line), terminal: { color } };
}

/**
 * Prints diagnostics on `err` (with code frames from `sources` on a terminal-like stream);
 * returns the counts.
 */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], sources: readonly SchemaSource[] = []): { errors: number; warnings: number } {
  const texts = new Map(sources.map((s) => [s.path, s.text] as const));
  const paint = io.terminal?.color === true ? colored : plain;
  for (const d of diagnostics) io.err(renderDiagnostic(d, io.terminal === undefined ? undefined : texts.get(d.file), paint));
  return countOf(diagnostics);
}

function countOf(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function elapsed(start: number): string {
  return `${Math.round(performance.now() - start)} ms`;
}

async function runCheck(paths: readonly string[], io: CliIo, options: { against?: string; json: boolean }): Promise<number> {
  const start = performance.now();
  const sources = await readSources(io.cwd, paths);
  if (sources.length === 0) {
    io.err(`eventforge: no schema files (*.domain.yaml) in ${paths.join(', ')}`);
    return EXIT.failed;
  }
  // Checking needs no emitter: compileWith(…, []) keeps them unloaded.
  const { compileWith } = await import('./pipeline.js');
  const { withAgainst } = await import('./against/index.js');
  const result = compileWith({ sources, modules: await readNamedModules(io.cwd, sources), skipEmit: true }, []);
  const diagnostics = withAgainst(result, sources, options.against, (s) => compileWith({ sources: s, skipEmit: true }, []), io.cwd);
  if (options.json) {
    io.out(jsonReport(diagnostics, sources.length));
    return countOf(diagnostics).errors > 0 ? EXIT.failed : EXIT.ok;
  }
  const { errors, warnings } = printDiagnostics(io, diagnostics, sources);
  io.out(`eventforge check: ${plural(sources.length, 'domain')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${elapsed(start)})`);
  return errors > 0 ? EXIT.failed : EXIT.ok;
}

export interface GenerateOptions {
  readonly schemas: string;
  readonly out: string;
  readonly check: boolean;
  /** Use the build cache (generator/write/build-cache.ts); `--no-cache` turns it off. @default true */
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
  const report = (diagnostics: readonly Diagnostic[], lines: readonly string[], counts: Readonly<Record<string, number>> = {}): void => {
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
  const { compile } = await import('./compile.js');
  const result = compile({ sources, modules, outToCwd });
  const { errors, warnings } = countOf(result.diagnostics);
  if (errors > 0) {
    report(result.diagnostics, [`eventforge generate: ${domains}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing written (${elapsed(start)})`]);
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
  const { applyPlan } = await import('./write/apply-plan.js');
  await applyPlan(outDir, plan);
  if (key !== undefined) await writeRecord(cache, key, result.files, result.diagnostics);
  report(
    result.diagnostics,
    [`eventforge generate: ${domains}, ${plural(plan.toWrite.length, 'file')} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed (${elapsed(start)})`],
    { written: plan.toWrite.length, unchanged: plan.unchanged.length, removed: plan.stale.length },
  );
  return EXIT.ok;
}
