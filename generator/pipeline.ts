/**
 * The whole pipeline as a pure function of the sources and the emitters to run: diagnostics and
 * files out. No file I/O (the CLI reads and writes); the same inputs always give the same bytes.
 * It does not import the emitters itself, so `eventforge check` never loads them;
 * generator/compile.ts binds it to the registered emitters.
 */
import { InternalError, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { EmitContext, Emitter, GeneratedFile } from './emit/types.js';
import { buildProject } from './ir/build-ir.js';
import type { ProjectDef } from './ir/model.js';
import { upcastFindings } from './ir/upcast-findings.js';
import { atBrokenSpot, damageOfYamlErrors, lacksEvents, mayBeBrokenType, mergeDamage } from './load/damage.js';
import { parseYaml } from './load/parse-yaml.js';
import type { RawDomain } from './load/raw-model.js';
import { readDomain } from './load/read-domain.js';
import type { SchemaSource } from './load/source-doc.js';
import { resolveDomain, type ResolvedDomain } from './resolve/resolve-domain.js';
import { checkProject } from './validate/rules/project-rules.js';
import { rules } from './validate/rules/index.js';
import { checkShape } from './validate/shape.js';
import { checkUpcasterModules, pairDomains, type UpcasterFindingStore } from './validate/typescript/check-upcasters.js';
import type { TypeScriptCompiler } from './validate/typescript/typescript-compiler.js';

export interface CompileOptions {
  /** The schema files, as read by the caller. Paths use forward slashes. */
  readonly sources: readonly SchemaSource[];
  /** Module specifier generated code imports the runtime from. @default 'eventforge/runtime' */
  readonly runtimeImport?: string;
  /** Posix path from the output folder back to the working directory. @default '..' */
  readonly outToCwd?: string;
  /** Stop after the IR (no emitters): for `check` and the benchmark of the front half. */
  readonly skipEmit?: boolean;
  /**
   * The hand-written TypeScript modules the schemas name (`upcasters:`), as read by the caller;
   * paths as for `sources`. When given, each `using:` function is checked against the signature
   * generated code calls it with (EF330), and a named module missing here is an error (EF331).
   * When absent, modules are not checked (tsc still checks the generated code).
   */
  readonly modules?: readonly SchemaSource[];
  /**
   * Loads the TypeScript compiler the modules' check runs, on first need. The CLI's loader keeps
   * its compiled code between processes (cli/files/cached-typescript.ts). @default the compiler
   * and lib of @ts-morph/common, required as they are
   */
  readonly typescript?: () => TypeScriptCompiler;
  /**
   * Keeps the modules' check findings between runs (the CLI's is a folder of small files, used
   * unless `--no-cache`): a module whose text, payload types and `using:` signatures are unchanged
   * is not checked again, and TypeScript not loaded for it. @default none: every module is checked
   */
  readonly upcasterFindings?: UpcasterFindingStore;
}

export interface CompileResult {
  /** Every problem found, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The IR, when there was no error. */
  readonly project?: ProjectDef;
  /** Generated files sorted by path; empty when there was any error. */
  readonly files: readonly GeneratedFile[];
}

const hasError = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/**
 * Parses, checks and compiles the schemas; runs `emitterList` when there is no error. The public
 * `compile()` (generator/index.ts) passes every registered emitter; `eventforge check` passes
 * none, so it never loads the emitters (ajv standalone, the printers) at all.
 */
export function compileWith(options: CompileOptions, emitterList: readonly Emitter[]): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const domains: RawDomain[] = [];
  const resolvedDomains: ResolvedDomain[] = [];
  const sources = [...options.sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const source of sources) {
    const parsed = parseYaml(source);
    diagnostics.push(...parsed.diagnostics);
    const yamlDamage = damageOfYamlErrors(parsed.source, parsed.diagnostics);
    if (yamlDamage.whole) continue;
    // The semantic rules need the structure: they judge only what the shape check left readable.
    const shape = checkShape(parsed.source);
    diagnostics.push(...shape.diagnostics);
    const damage = mergeDamage(yamlDamage, shape.damage);
    if (damage.whole) continue;
    const domain = readDomain(parsed.source, damage);
    domains.push(domain);
    const resolved = resolveDomain(domain);
    resolvedDomains.push(resolved.domain);
    const ctx = {
      domain,
      resolved: resolved.domain,
      table: resolved.domain.table,
      brokenType: (name: string) => mayBeBrokenType(damage, name),
      lacksEvents: (aggregate: string) => lacksEvents(damage, aggregate),
    };
    for (const rule of rules) diagnostics.push(...rule(ctx).filter((d) => !atBrokenSpot(damage, d)));
    diagnostics.push(...resolved.diagnostics.filter((d) => !atBrokenSpot(damage, d)));
  }
  diagnostics.push(...checkProject(domains));
  if (hasError(diagnostics) || domains.length !== sources.length) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    for (const domain of resolvedDomains) diagnostics.push(...upcastFindings(domain, errors));
    return { diagnostics: sortDiagnostics(diagnostics), files: [] };
  }

  const built = buildProject(resolvedDomains);
  diagnostics.push(...built.diagnostics);
  if (hasError(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), files: [] };
  if (options.modules !== undefined) {
    diagnostics.push(
      ...checkUpcasterModules(
        pairDomains(domains, built.project),
        options.modules,
        options.typescript,
        options.upcasterFindings,
      ),
    );
    if (hasError(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), files: [] };
  }
  if (options.skipEmit === true)
    return { diagnostics: sortDiagnostics(diagnostics), project: built.project, files: [] };

  const ctx = { runtimeImport: options.runtimeImport ?? 'eventforge/runtime', outToCwd: options.outToCwd ?? '..' };
  return {
    diagnostics: sortDiagnostics(diagnostics),
    project: built.project,
    files: runEmitters(built.project, ctx, emitterList),
  };
}

/**
 * Runs each emitter on the project and returns all files sorted by path. Two emitters
 * generating the same path is a bug in eventforge (InternalError), never silently resolved.
 */
export function runEmitters(project: ProjectDef, ctx: EmitContext, list: readonly Emitter[]): GeneratedFile[] {
  const files = new Map<string, GeneratedFile>();
  const owner = new Map<string, string>();
  for (const emitter of list) {
    for (const file of emitter.emit(project, ctx)) {
      const previous = owner.get(file.path);
      if (previous !== undefined) {
        throw new InternalError(`emitters "${previous}" and "${emitter.name}" both generate ${file.path}`);
      }
      owner.set(file.path, emitter.name);
      files.set(file.path, file);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
