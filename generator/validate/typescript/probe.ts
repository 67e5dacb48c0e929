/**
 * The in-memory files of one domain's upcasters check: the module as written, the payload types
 * from the IR, and a probe that calls each `using:` function exactly as generated code does:
 *
 *     declare const previous0: DepositedV2;
 *     const result0: DepositedV3['transactionId'] = custom.depositTransactionId(previous0);
 *
 * A diagnostic at `previous0` or the call is a parameter that does not fit; at `result0`, a
 * return type that does not.
 */
import { posix } from 'node:path';
import type { SchemaSource } from '../../load/source-doc.js';
import type { DomainDef } from '../../ir/model.js';
import { domainFolder } from '../../ir/naming.js';
import { typesDeclaration } from './declarations.js';
import type { InMemoryFiles } from './in-memory-host.js';
import type { TsApi } from './typescript-compiler.js';
import type { UpcasterUse } from './upcaster-uses.js';

/** One probed call: where it is in the probe file. */
export interface ProbedUse {
  readonly use: UpcasterUse;
  /** `[start, end)` of the statement holding the call. */
  readonly start: number;
  readonly end: number;
  /** `[start, end)` of `resultN`: a diagnostic there is about the return type. */
  readonly resultStart: number;
  readonly resultEnd: number;
}

export interface DomainFiles {
  /** The upcasters module as the user named it (the path diagnostics print). */
  readonly modulePath: string;
  /** In-memory paths of the module and the probe. */
  readonly module: string;
  readonly probe: string;
  readonly probed: readonly ProbedUse[];
}

/** Where a path given to the compiler lives in the in-memory file system. */
function inMemory(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** Adds the files of one domain. */
export function addDomainFiles(
  ts: TsApi,
  files: InMemoryFiles,
  domain: DomainDef,
  module: SchemaSource,
  uses: readonly UpcasterUse[],
): DomainFiles {
  const folder = `/.eventforge/${domainFolder(domain.name)}`;
  const typesPath = files.write(`${folder}/types.ts`, typesDeclaration(domain));
  // Two schemas may share one module: it is added once.
  const modulePath = inMemory(module.path);
  if (!files.has(modulePath)) files.write(modulePath, module.text);
  aliasGeneratedTypes(ts, files, modulePath, domain, typesPath);

  const moduleSpecifier = relativeSpecifier(folder, modulePath);
  const typeNames = [...new Set(uses.flatMap((u) => [u.fromType, u.toType]))].sort();
  let text = `import * as custom from '${moduleSpecifier}';\nimport type { ${typeNames.join(', ')} } from './types.ts';\n`;
  const probed: ProbedUse[] = [];
  uses.forEach((use, i) => {
    text += `declare const previous${i}: ${use.fromType};\n`;
    const start = text.length;
    const head = `const `;
    const result = `result${i}`;
    text += `${head}${result}: ${use.resultType} = custom.${use.functionName}(previous${i});\n`;
    probed.push({
      use,
      start,
      end: text.length,
      resultStart: start + head.length,
      resultEnd: start + head.length + result.length,
    });
  });
  const probe = files.write(`${folder}/probe.ts`, text);
  return { modulePath: module.path, module: modulePath, probe, probed };
}

/**
 * The module may import the generated types (`../generated/bank/types.js`, as docs/versioning.md
 * shows). Whatever folder it names, that import reads the IR's types, not a file on disk.
 */
function aliasGeneratedTypes(
  ts: TsApi,
  files: InMemoryFiles,
  modulePath: string,
  domain: DomainDef,
  typesPath: string,
): void {
  const generated = new RegExp(`(^|/)${domainFolder(domain.name)}/(types|index)(\\.[cm]?[jt]s)?$`);
  const statements = files.parsed(modulePath)?.statements ?? [];
  const specifiers = statements
    .flatMap((s) =>
      (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
      s.moduleSpecifier !== undefined &&
      ts.isStringLiteral(s.moduleSpecifier)
        ? [s.moduleSpecifier.text]
        : [],
    )
    .filter((s) => s.startsWith('.') && generated.test(s));
  for (const specifier of specifiers) {
    const target = posix.join(posix.dirname(modulePath), specifier).replace(/\.[cm]?[jt]s$/, '') + '.ts';
    if (target === typesPath || target === modulePath) continue;
    files.write(target, `export * from '${relativeSpecifier(posix.dirname(target), typesPath)}';\n`);
  }
}

function relativeSpecifier(fromFolder: string, to: string): string {
  const relative = posix.relative(fromFolder, to);
  return relative.startsWith('.') ? relative : `./${relative}`;
}
