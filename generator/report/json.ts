/**
 * `--json`: the diagnostics of a run as one JSON document, for editors and CI. The field names
 * are a stable contract (docs/cli.md); a change to them bumps `version`.
 */
import type { Diagnostic } from '../diagnostics.js';

export interface JsonDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
}

export interface JsonReport {
  readonly version: 1;
  readonly diagnostics: readonly JsonDiagnostic[];
  readonly summary: { readonly domains: number; readonly errors: number; readonly warnings: number } & Readonly<
    Record<string, number | string>
  >;
}

export function jsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return {
    file: d.file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    hint: d.hint ?? null,
  };
}

/** One line of JSON (under `generate --watch --json`, one line per run). */
export function jsonReport(
  diagnostics: readonly Diagnostic[],
  domains: number,
  extra: Readonly<Record<string, number | string>> = {},
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const report: JsonReport = {
    version: 1,
    diagnostics: diagnostics.map(jsonDiagnostic),
    summary: { domains, errors, warnings: diagnostics.length - errors, ...extra },
  };
  return JSON.stringify(report);
}
