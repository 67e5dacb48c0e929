/**
 * The `eventforge` command line: argv → one of `commands` → exit code. The CLI is the only part
 * of eventforge that reads schemas from and writes output to disk (cli/files/) and opens
 * databases (cli/database/); the compiler it calls (generator/) is pure. One file a command
 * under cli/commands/, each a `CliCommand` (cli/command.ts).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InternalError } from '../generator/diagnostics.js';
import { wantsColor } from '../generator/report/paint.js';
import { EXIT, usageError, type CliCommand, type CliIo, type ParsedArgs } from './command.js';
import { catalogCommand } from './commands/catalog.js';
import { checkCommand } from './commands/check.js';
import { explainCommand } from './commands/explain.js';
import { generateCommand } from './commands/generate.js';
import { initCommand } from './commands/init.js';
import { lspCommand } from './commands/lsp.js';
import { migrateCommand } from './commands/migrate.js';
import { projectionsCommand } from './commands/projections.js';
import { reencryptCommand } from './commands/reencrypt.js';
import { forgetCommand } from './commands/forget.js';
import { rewrapKeysCommand } from './commands/rewrap-keys.js';
import { runCommand } from './commands/run.js';
import { systemCommand } from './commands/system.js';
import { PACKAGE_JSON } from './files/package-root.js';
// The command files import only what their table row needs; the rest (the pipeline and its
// libraries, the emitters, the watcher, --against, the database drivers) is imported where it is
// used: each TypeScript module costs start-up time through tsx, and an unchanged `generate`
// (a build-cache hit) or `--help` needs none of them.

export type { CliCommand, CliIo, ParsedArgs } from './command.js';
export { EXIT } from './command.js';

export const commands: readonly CliCommand[] = [
  initCommand,
  checkCommand,
  generateCommand,
  explainCommand,
  catalogCommand,
  migrateCommand,
  reencryptCommand,
  forgetCommand,
  rewrapKeysCommand,
  projectionsCommand,
  runCommand,
  systemCommand,
  lspCommand,
];

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
    io.out(pkg.version);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return usageError(io, `unknown command "${name}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n\n${command.summary}`);
    return EXIT.ok;
  }
  let parsed: ParsedArgs;
  try {
    const result = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    parsed = { values: result.values as ParsedArgs['values'], positionals: result.positionals };
  } catch (error) {
    return usageError(io, `${error instanceof Error ? error.message : String(error)}\nusage: ${command.usage}`);
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

function processIo(): CliIo {
  const color = wantsColor(process.env, process.stderr.isTTY === true);
  return {
    cwd: process.cwd(),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    terminal: { color },
  };
}
