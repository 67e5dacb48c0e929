/**
 * eventforge's compiler API (an allow-list: nothing else is public).
 *
 * ```ts
 * const { diagnostics, files } = compile({ sources: [{ path: 'schemas/dog-school.domain.yaml', text }] });
 * ```
 */
export { compile, type CompileOptions, type CompileResult } from './compile.js';
export { formatDiagnostic, sortDiagnostics, type Diagnostic, type Position } from './diagnostics.js';
export type { GeneratedFile } from './emit/types.js';
export type { SchemaSource } from './load/source-doc.js';
export type { ProjectDef } from './ir/model.js';
