/**
 * Turns what TypeScript says about one domain's probe (probe.ts) into findings: EF330 at a
 * `using:` value, and a module that does not parse EF331 at `upcasters:`. A finding names its
 * place by the use's index, not by a YAML position, so that findings kept from an earlier run
 * (UpcasterFindingStore) are placed where the schema has its `using:` lines now.
 */
import type { ts as Ts } from '@ts-morph/common';
import { InternalError, type Diagnostic } from '../../diagnostics.js';
import { didYouMean } from '../../did-you-mean.js';
import type { RawDomain } from '../../load/raw-model.js';
import { errorAt } from '../../load/source-doc.js';
import type { TsApi } from './typescript-compiler.js';
import type { DomainFiles, ProbedUse } from './probe.js';
import type { UpcasterUse } from './upcaster-uses.js';

/** What the hint says the function must be. */
function expected(use: UpcasterUse): string {
  return `${use.signature}, where ${use.resultType} is ${use.resultText}`;
}

/** One problem of a domain's module: at `upcasters:` (`'module'`) or at the `using:` of use `at`. */
export interface UpcasterFinding {
  readonly at: 'module' | number;
  readonly code: 'EF330' | 'EF331';
  readonly message: string;
  readonly hint: string;
}

/** The findings as diagnostics at the schema's current positions. */
export function locateFindings(
  findings: readonly UpcasterFinding[],
  raw: RawDomain,
  uses: readonly UpcasterUse[],
): Diagnostic[] {
  return findings.flatMap((f) => {
    const range = f.at === 'module' ? raw.upcasters?.range : uses[f.at]?.range;
    return range === undefined ? [] : [errorAt(raw.file, range, f.code, f.message, f.hint)];
  });
}

export function judgeUses(ts: TsApi, program: Ts.Program, raw: RawDomain, files: DomainFiles): UpcasterFinding[] {
  const moduleNode = program.getSourceFile(files.module);
  const probeNode = program.getSourceFile(files.probe);
  if (moduleNode === undefined || probeNode === undefined)
    throw new InternalError(`the upcasters check lost its in-memory files ${files.module}, ${files.probe}`);
  const syntax = program.getSyntacticDiagnostics(moduleNode)[0];
  if (syntax !== undefined && raw.upcasters !== undefined) {
    const at = moduleNode.getLineAndCharacterOfPosition(syntax.start ?? 0);
    return [
      {
        at: 'module',
        code: 'EF331',
        message: `upcasters module "${raw.upcasters.value}" does not parse: ${files.modulePath}:${at.line + 1}:${at.character + 1}: ${messageText(ts, syntax)}`,
        hint: `fix the module; until it parses, its upcasters cannot be checked`,
      },
    ];
  }

  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(moduleNode);
  const exported = new Map(
    (moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)).map(
      (s) => [s.getName(), resolved(ts, checker, s)] as const,
    ),
  );
  const functions = [...exported].filter(([, s]) => callable(ts, checker, s)).map(([name]) => name);
  const probeDiagnostics = program.getSemanticDiagnostics(probeNode);

  const findings: UpcasterFinding[] = [];
  files.probed.forEach((probed, index) => {
    const { use } = probed;
    const error = (message: string, hint: string): void => {
      findings.push({ at: index, code: 'EF330', message: `${use.label}: ${message}`, hint });
    };
    const symbol = exported.get(use.functionName);
    if (symbol === undefined) {
      const guess = didYouMean(use.functionName, functions);
      error(
        `upcaster "${use.functionName}" is not exported by ${files.modulePath}`,
        guess === undefined
          ? `add \`export function ${use.functionName}(previous: ${use.fromType}): ${use.resultType}\` to ${files.modulePath} (${use.resultType} is ${use.resultText})`
          : `${guess} The function must fit ${expected(use)}`,
      );
      return;
    }
    const where = declaredAt(symbol, files.modulePath, moduleNode);
    if ((symbol.flags & ts.SymbolFlags.Value) === 0) {
      error(
        `"${use.functionName}" (${where}) is a type, not a function`,
        `export a function that fits ${expected(use)}`,
      );
      return;
    }
    if (!callable(ts, checker, symbol)) {
      error(
        `"${use.functionName}" (${where}) is not a function: its type is ${checker.typeToString(checker.getBaseTypeOfLiteralType(checker.getTypeOfSymbol(symbol)))}`,
        `export a function that fits ${expected(use)}`,
      );
      return;
    }
    for (const d of probeDiagnostics.filter((d) => inside(d, probed))) {
      const text = messageText(ts, d);
      if (atResult(d, probed)) {
        error(
          `upcaster "${use.functionName}" (${where}) returns a value that does not fit ${use.resultType}: ${text}`,
          `the generated code calls it as ${expected(use)}`,
        );
      } else {
        error(
          `upcaster "${use.functionName}" (${where}) cannot take the ${use.fromType} it is given: ${text}`,
          `the generated code calls it as ${expected(use)}`,
        );
      }
    }
  });
  return findings;
}

/** The symbol an export stands for (through `export { a as b }` and re-exports). */
function resolved(ts: TsApi, checker: Ts.TypeChecker, symbol: Ts.Symbol): Ts.Symbol {
  return (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(symbol) : symbol;
}

/** A value TypeScript can call; a value it cannot type (`any`, an unresolved import) counts as callable. */
function callable(ts: TsApi, checker: Ts.TypeChecker, symbol: Ts.Symbol): boolean {
  if ((symbol.flags & ts.SymbolFlags.Value) === 0) return false;
  const type = checker.getTypeOfSymbol(symbol);
  return (type.flags & ts.TypeFlags.Any) !== 0 || type.getCallSignatures().length > 0;
}

/** `schemas/bank.upcasters.ts:31`: where the export is declared, when it is in the module itself. */
function declaredAt(symbol: Ts.Symbol, modulePath: string, moduleNode: Ts.SourceFile): string {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (declaration === undefined || declaration.getSourceFile() !== moduleNode) return modulePath;
  const { line } = moduleNode.getLineAndCharacterOfPosition(declaration.getStart());
  return `${modulePath}:${line + 1}`;
}

function inside(d: Ts.Diagnostic, probed: ProbedUse): boolean {
  return d.start !== undefined && d.start >= probed.start && d.start < probed.end;
}

function atResult(d: Ts.Diagnostic, probed: ProbedUse): boolean {
  return d.start !== undefined && d.start >= probed.resultStart && d.start < probed.resultEnd;
}

/** TypeScript's message with its chain of reasons, on one line. */
function messageText(ts: TsApi, d: Ts.Diagnostic): string {
  return ts
    .flattenDiagnosticMessageText(d.messageText, '\n')
    .split('\n')
    .map((line) => line.trim())
    .join(' ');
}
