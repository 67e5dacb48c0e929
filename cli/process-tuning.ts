/**
 * V8 tuning for a process that runs one batch command and exits. V8 hands a function to its
 * optimizing compiler (TurboFan) once it has run for an "interrupt budget" of bytecode; a
 * catalog build runs thousands of small functions just past that budget, and compiling them
 * costs more than it saves before the process ends: on the synthetic schema, a budget 16 times
 * the default took the catalog's CPU time from 1.9 to 1.3 s, and `check`'s and `generate`'s to
 * about 0.7 of theirs (docs/performance.md). Functions that
 * stay hot (a schema several times larger) are still optimized, only later.
 */
import { setFlagsFromString } from 'node:v8';

/** Commands that run once over their input and exit (no server; `--watch` keeps the defaults). */
const ONE_SHOT = new Set(['catalog', 'check', 'generate']);

/** V8's default in Node 20 is 66 KB of bytecode; a function must run 16 times as long to be optimized. */
const INTERRUPT_BUDGET = 16 * 66 * 1024;

/**
 * Called by the process entries (cli/bin.ts, bin/eventforge.js) with the command line, before
 * the CLI is loaded; never by main(), which tests call inside their own process.
 */
export function tuneProcessFor(argv: readonly string[]): void {
  if (ONE_SHOT.has(argv[0] ?? '') && !argv.includes('--watch'))
    setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
