/**
 * Checks the hand-written upcasters module a schema names against what generated code does with
 * it (EF330: a `using:` function that is missing, not a function, or whose parameter or return
 * type does not fit `(previous: XVk) => XVk1['field']`), reported at the `using:` value; EF331
 * when the module is missing or does not parse. The user learns it at the YAML line, before
 * `generate`, instead of from tsc in a generated file.
 *
 * How: an in-memory program (in-memory-host.ts) holding the module, the payload types derived
 * from the IR (declarations.ts) and a probe file that calls each function as generated code
 * does. Only the probe is type-checked, so TypeScript checks no more of the module than the calls
 * need. The TypeScript compiler (typescript-compiler.ts, about 9 MB of JavaScript) is required
 * on first use: a run whose schemas name no upcasters module never loads it.
 */
import { createHash } from 'node:crypto';
import type { ts as Ts } from '@ts-morph/common';
import type { Diagnostic } from '../../diagnostics.js';
import type { DomainDef, ProjectDef } from '../../ir/model.js';
import type { RawDomain } from '../../load/raw-model.js';
import { errorAt, namedModulePath, type SchemaSource } from '../../load/source-doc.js';
import { DECIMAL_DECLARATION, typesDeclaration } from './declarations.js';
import { InMemoryFiles } from './in-memory-host.js';
import { judgeUses, locateFindings, type UpcasterFinding } from './judge.js';
import { bundledTypeScript, ROOT_LIB, type TsApi, type TypeScriptCompiler } from './typescript-compiler.js';
import { addDomainFiles } from './probe.js';
import { upcasterUses, type UpcasterUse } from './upcaster-uses.js';

/** A domain as the rules read it (positions) and as the IR holds it (types). */
export interface CheckedDomain {
  readonly raw: RawDomain;
  readonly domain: DomainDef;
}

function compilerOptions(ts: TsApi): Ts.CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    allowJs: true,
    allowImportingTsExtensions: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // ES5's lib has every type the payload types use (Date, Uint8Array, ReadonlyArray, Record)
    // and parses in a third of the time of ES2022's. What a module uses beyond it reads as `any`.
    lib: [ROOT_LIB],
    types: [],
    skipLibCheck: true,
  };
}

/**
 * Findings kept between runs, by a key over everything TypeScript's verdict on one domain's
 * module depends on: the module's path and text, the payload types it is checked against, the
 * `using:` functions with the signatures they must fit (not where the schema writes them: the
 * findings are placed at the current `using:` lines). The caller adds what the key cannot see:
 * the eventforge and TypeScript versions.
 */
export interface UpcasterFindingStore {
  get(key: string): readonly UpcasterFinding[] | undefined;
  set(key: string, findings: readonly UpcasterFinding[]): void;
}

/** Bumped when what a key covers or a finding holds changes. */
const FINDINGS_FORMAT = 1;

function findingsKey(raw: RawDomain, domain: DomainDef, module: SchemaSource, uses: readonly UpcasterUse[]): string {
  const input = {
    format: FINDINGS_FORMAT,
    domain: domain.name,
    upcasters: raw.upcasters?.value,
    module: [module.path, module.text],
    types: typesDeclaration(domain),
    uses: uses.map(({ range: _where, ...use }) => use),
  };
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/**
 * Diagnostics for every `using:` whose function does not fit, over all domains. `modules` are
 * the module files as read by the caller (paths as for schema sources); `typescript` loads the
 * compiler (called only when there is a module to check that `store` does not know).
 */
export function checkUpcasterModules(
  domains: readonly CheckedDomain[],
  modules: readonly SchemaSource[],
  typescript: () => TypeScriptCompiler = bundledTypeScript,
  store?: UpcasterFindingStore,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const jobs: { checked: CheckedDomain; module: SchemaSource; uses: UpcasterUse[]; key: string | undefined }[] = [];
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
    const key = store === undefined ? undefined : findingsKey(raw, domain, module, uses);
    const known = key === undefined ? undefined : store?.get(key);
    if (known !== undefined) diagnostics.push(...locateFindings(known, raw, uses));
    else jobs.push({ checked, module, uses, key });
  }
  if (jobs.length === 0) return diagnostics;

  const compiler = typescript();
  const { ts } = compiler;
  const options = compilerOptions(ts);
  const files = new InMemoryFiles(ts, compiler.libs, options.target ?? ts.ScriptTarget.ES2022);
  files.write('/node_modules/decimal.js/package.json', '{ "name": "decimal.js", "types": "index.d.ts" }');
  files.write('/node_modules/decimal.js/index.d.ts', DECIMAL_DECLARATION);
  const prepared = jobs.map((job) => ({
    ...job,
    files: addDomainFiles(ts, files, job.checked.domain, job.module, job.uses),
  }));
  const roots = files.paths().filter((path) => !path.startsWith('/node_modules/'));
  const program = ts.createProgram({ rootNames: roots, options, host: files.host() });
  for (const { checked, uses, key, files } of prepared) {
    const findings = judgeUses(ts, program, checked.raw, files);
    if (key !== undefined) store?.set(key, findings);
    diagnostics.push(...locateFindings(findings, checked.raw, uses));
  }
  compiler.checked?.();
  return diagnostics;
}

/** Each schema's domain with its IR, matched by file. */
export function pairDomains(raw: readonly RawDomain[], project: ProjectDef): CheckedDomain[] {
  return raw.flatMap((r) => {
    const domain = project.domains.find((d) => d.sourcePath === r.file);
    return domain === undefined ? [] : [{ raw: r, domain }];
  });
}
