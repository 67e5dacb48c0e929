/**
 * The one shape every `eventforge` command has, and what it is given: parsed arguments and the
 * streams and folder to work in (tests pass their own).
 */
import type { ParseArgsConfig } from 'node:util';

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

/** One command: a file under cli/commands/ exports one, and cli/main.ts lists it. */
export interface CliCommand {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  /** A list for an option declared `multiple: true`. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Exit codes: 0 success, 1 errors in the schemas, drift or I/O failure, 2 wrong usage, 3 a bug in eventforge. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** Reports wrong usage on `err`; returns the usage exit code. */
export function usageError(io: CliIo, message: string): number {
  io.err(`eventforge: ${message}`);
  io.err('run `eventforge --help` for the commands');
  return EXIT.usage;
}

/** The value of a string option, or undefined when it was not given. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The values of a string option declared `multiple: true` (each time it was given), or none. */
export function stringsFlag(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : [];
}
