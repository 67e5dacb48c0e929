/**
 * Compiler diagnostics: one per problem, all reported at once, rendered as
 * `file:line:col: error EF123: message` plus an optional `  hint: …` line.
 * Codes are stable and numbered by stage: EF1xx YAML and shape, EF2xx names and references,
 * EF3xx versions and evolution, EF4xx types, defaults and constraints, EF5xx apply and state.
 * Every code is documented in docs/errors.md.
 */
export interface Position {
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** 0-based character offset */
  readonly offset: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Schema path as given to the compiler, with forward slashes. */
  readonly file: string;
  readonly span: { readonly start: Position; readonly end: Position };
  readonly hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.span.start.line}:${d.span.start.column}: ${d.severity} ${d.code}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`;
}

/** Sorted by file, then position, then code: the order diagnostics are printed in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start.offset - b.span.start.offset ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** A failed internal invariant: a bug in eventforge, never the user's fault. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(message: string) {
    super(`${message} (this is a bug in eventforge; please report it)`);
  }
}
