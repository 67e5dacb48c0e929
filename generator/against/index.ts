/**
 * `eventforge check --against <file|folder|git revision>`: compiles the earlier revision's
 * schemas and compares them with the current ones (see compare.ts for the rules).
 */
import { sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { ProjectDef } from '../ir/model.js';
import type { SchemaSource } from '../load/source-doc.js';
import { AgainstCodes, compareRevisions } from './compare.js';
import { readRevision, RevisionNotFoundError } from './sources.js';

export { AgainstCodes, compareRevisions } from './compare.js';
export { readRevision, RevisionNotFoundError, type Revision } from './sources.js';

/** The front half of the compiler: schema sources in, IR (when error-free) and diagnostics out. */
export type CompileSources = (sources: readonly SchemaSource[]) => {
  readonly project?: ProjectDef | undefined;
  readonly diagnostics: readonly Diagnostic[];
};

/** What `checkAgainst` compares: the current project and where to find the earlier revision. */
export interface CheckAgainstInput {
  /** The current project, already compiled without errors. */
  readonly current: ProjectDef;
  /** Paths of the current schema files (to find the same files in a git revision). */
  readonly currentPaths: readonly string[];
  /** What the user passed to `--against`. */
  readonly target: string;
  /** Compiles the earlier revision's schemas (the CLI passes the real compiler's front half). */
  readonly compile: CompileSources;
  /** Where relative paths and git revisions are resolved; the process's working directory by default. */
  readonly cwd?: string;
}

/** Diagnostics for every breaking change since `target`; EF349 when `target` cannot be read or compiled. */
export function checkAgainst(input: CheckAgainstInput): Diagnostic[] {
  let revision;
  try {
    revision = readRevision(input.target, input.currentPaths, input.cwd);
  } catch (e) {
    if (e instanceof RevisionNotFoundError) return [unreadable(input.target, e.message)];
    throw e;
  }
  const compiled = input.compile(revision.sources);
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (compiled.project === undefined || errors.length > 0) {
    const first = errors[0];
    return [
      unreadable(
        input.target,
        `the schemas of ${revision.label} do not compile (${errors.length} error${errors.length === 1 ? '' : 's'}` +
          (first === undefined
            ? ')'
            : `; first: ${first.file}:${first.span.start.line}:${first.span.start.column} ${first.code} ${first.message})`),
      ),
    ];
  }
  return compareRevisions(compiled.project, input.current, { revisionLabel: revision.label });
}

function unreadable(target: string, message: string): Diagnostic {
  const at = { line: 1, column: 1, offset: 0 };
  return {
    code: AgainstCodes.unreadableRevision,
    severity: 'error',
    message: `cannot compare with ${target}: ${message}`,
    file: target,
    span: { start: at, end: at },
    hint: 'pass a schema file, a folder of schemas, or a git revision such as HEAD~1 or main',
  };
}

/**
 * For the CLI: the diagnostics of `check` plus, when `target` is given and the current schemas
 * compiled without error, those of the comparison with `target`, sorted.
 */
export function withAgainst(
  compiled: { readonly project?: ProjectDef | undefined; readonly diagnostics: readonly Diagnostic[] },
  sources: readonly SchemaSource[],
  target: string | undefined,
  compile: CompileSources,
  cwd: string,
): Diagnostic[] {
  if (target === undefined || compiled.project === undefined) return [...compiled.diagnostics];
  const found = checkAgainst({
    current: compiled.project,
    currentPaths: sources.map((s) => s.path),
    target,
    compile,
    cwd,
  });
  return sortDiagnostics([...compiled.diagnostics, ...found]);
}
