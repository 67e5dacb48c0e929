/**
 * Checks the hand-written upcasters module a schema names against what generated code does with
 * it (EF330: a `using:` function that is missing, not a function, or whose parameter or return
 * type does not fit `(previous: XVk) => XVk1['field']`), reported at the `using:` value; EF331
 * when the module is missing or does not parse. The user learns it at the YAML line, before
 * `generate`, instead of from tsc in a generated file.
 *
 * How: an in-memory ts-morph project holding the module, the payload types derived from the IR
 * (declarations.ts) and a probe file that calls each function as generated code does. Only the
 * probe is type-checked, so TypeScript checks no more of the module than the calls need.
 * ts-morph, with the TypeScript compiler it carries (about 12 MB of JavaScript), is required
 * on first use: a run whose schemas name no upcasters module never loads it.
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';
import type { Diagnostic } from '../../diagnostics.js';
import type { DomainDef, ProjectDef } from '../../ir/model.js';
import type { RawDomain } from '../../load/raw-model.js';
import { errorAt, namedModulePath, type SchemaSource } from '../../load/source-doc.js';
import { DECIMAL_DECLARATION } from './declarations.js';
import { addDomainFiles } from './probe.js';
import { judgeUses } from './judge.js';
import { upcasterUses } from './upcaster-uses.js';

/** A domain as the rules read it (positions) and as the IR holds it (types). */
export interface CheckedDomain {
  readonly raw: RawDomain;
  readonly domain: DomainDef;
}

interface Checker {
  readonly project: TsMorph.Project;
  readonly ts: typeof TsMorph.ts;
}
let checker: Checker | undefined;

/**
 * The project, without the files of an earlier run. Created on first use, when ts-morph is
 * required (synchronously: `compile()` is synchronous); kept for later runs in the process
 * (`--watch`, an editor), whose programs then reuse the parsed lib.
 */
function emptyProject(): Checker {
  if (checker !== undefined) {
    for (const file of checker.project.getSourceFiles()) checker.project.removeSourceFile(file);
    return checker;
  }
  const { Project, ts } = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      allowJs: true,
      allowImportingTsExtensions: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // ES5's lib has every type the payload types use (Date, Uint8Array, ReadonlyArray, Record)
      // and parses in a third of the time of ES2022's. What a module uses beyond it reads as `any`.
      lib: ['lib.es5.d.ts'],
      types: [],
      skipLibCheck: true,
    },
  });
  const fs = project.getFileSystem();
  fs.writeFileSync('/node_modules/decimal.js/package.json', '{ "name": "decimal.js", "types": "index.d.ts" }');
  fs.writeFileSync('/node_modules/decimal.js/index.d.ts', DECIMAL_DECLARATION);
  checker = { project, ts };
  return checker;
}

/**
 * Diagnostics for every `using:` whose function does not fit, over all domains. `modules` are
 * the module files as read by the caller (paths as for schema sources).
 */
export function checkUpcasterModules(
  domains: readonly CheckedDomain[],
  modules: readonly SchemaSource[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const jobs: { checked: CheckedDomain; module: SchemaSource; uses: ReturnType<typeof upcasterUses> }[] = [];
  for (const checked of domains) {
    const { raw, domain } = checked;
    if (domain.upcastersModule === undefined || raw.upcasters === undefined) continue;
    const uses = upcasterUses(raw, domain);
    if (uses.length === 0) continue;
    const path = namedModulePath(domain.sourcePath, domain.upcastersModule);
    const module = modules.find((m) => m.path === path);
    if (module === undefined) {
      const names = [...new Set(uses.map((u) => u.functionName))].join(', ');
      diagnostics.push(
        errorAt(
          raw.file,
          raw.upcasters.range,
          'EF331',
          `upcasters module "${raw.upcasters.value}" not found: there is no file ${path}`,
          `create ${path} exporting ${names}, or correct the path (it is relative to the schema file)`,
        ),
      );
      continue;
    }
    jobs.push({ checked, module, uses });
  }
  if (jobs.length === 0) return diagnostics;

  const { project, ts } = emptyProject();
  const prepared = jobs.map(({ checked, module, uses }) => ({
    raw: checked.raw,
    files: addDomainFiles(project, checked.domain, module, uses),
  }));
  const program = project.getProgram().compilerObject;
  for (const { raw, files } of prepared) diagnostics.push(...judgeUses(ts, program, raw, files));
  return diagnostics;
}

/** Each schema's domain with its IR, matched by file. */
export function pairDomains(raw: readonly RawDomain[], project: ProjectDef): CheckedDomain[] {
  return raw.flatMap((r) => {
    const domain = project.domains.find((d) => d.sourcePath === r.file);
    return domain === undefined ? [] : [{ raw: r, domain }];
  });
}
