/** What `check` and `generate` print: diagnostics (with code frames on a terminal), counts and timings. */
import type { Diagnostic } from '../generator/diagnostics.js';
import type { SchemaSource } from '../generator/load/source-doc.js';
import { colored, plain } from '../generator/report/paint.js';
import { renderDiagnostic } from '../generator/report/render.js';
import type { CliIo } from './command.js';

/**
 * Prints diagnostics on `err` (with code frames from `sources` on a terminal-like stream);
 * returns the counts.
 */
export function printDiagnostics(
  io: CliIo,
  diagnostics: readonly Diagnostic[],
  sources: readonly SchemaSource[] = [],
): { errors: number; warnings: number } {
  const texts = new Map(sources.map((s) => [s.path, s.text] as const));
  const paint = io.terminal?.color === true ? colored : plain;
  for (const d of diagnostics)
    io.err(renderDiagnostic(d, io.terminal === undefined ? undefined : texts.get(d.file), paint));
  return countOf(diagnostics);
}

export function countOf(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function elapsed(start: number): string {
  return `${Math.round(performance.now() - start)} ms`;
}
