/**
 * `eventforge check --against <file|folder|git revision>`: compiles the earlier revision's
 * schemas and compares them with the current ones (see compare.ts for the rules). Pure: the CLI
 * reads the revision (cli/files/read-revision.ts) and passes its sources in.
 */
import { sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { ProjectDef } from '../ir/model.js';
import type { SchemaSource } from '../load/source-doc.js';
import { AgainstCodes, compareRevisions } from './compare.js';

export { AgainstCodes, compareRevisions } from './compare.js';

/** The schema files of the earlier revision. */
export interface Revision {
  /** For messages: the target as the user wrote it. */
  readonly label: string;
  readonly sources: readonly SchemaSource[];
}

/** A revision as read by the CLI: its schema files, or why they could not be read. */
export type RevisionRead = Revision | { readonly label: string; readonly unreadable: string };

/** The front half of the compiler: schema sources in, IR (when error-free) and diagnostics out. */
export type CompileSources = (sources: readonly SchemaSource[]) => {
  readonly project?: ProjectDef | undefined;
  readonly diagnostics: readonly Diagnostic[];
};

/** What `checkAgainst` compares: the current project and the earlier revision's sources. */
export interface CheckAgainstInput {
  /** The current project, already compiled without errors. */
  readonly current: ProjectDef;
  /** What the user passed to `--against`. */
  readonly target: string;
  /** The earlier revision, as the CLI read it. */
  readonly revision: RevisionRead;
  /** Compiles the earlier revision's schemas (the CLI passes the real compiler's front half). */
  readonly compile: CompileSources;
}

/** Diagnostics for every breaking change since `target`; EF349 when `target` cannot be read or compiled. */
export function checkAgainst(input: CheckAgainstInput): Diagnostic[] {
  const { revision } = input;
  if ('unreadable' in revision) return [unreadable(input.target, revision.unreadable)];
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
 * For the CLI: the diagnostics of `check` plus, when a target is given and the current schemas
 * compiled without error, those of the comparison with it, sorted. `readTarget` is called only then,
 * so a check that fails on its own reads no earlier revision.
 */
export function withAgainst(
  compiled: { readonly project?: ProjectDef | undefined; readonly diagnostics: readonly Diagnostic[] },
  target: string | undefined,
  readTarget: (target: string) => RevisionRead,
  compile: CompileSources,
): Diagnostic[] {
  if (target === undefined || compiled.project === undefined) return [...compiled.diagnostics];
  const found = checkAgainst({ current: compiled.project, target, revision: readTarget(target), compile });
  return sortDiagnostics([...compiled.diagnostics, ...found]);
}
