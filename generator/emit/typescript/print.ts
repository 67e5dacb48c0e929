/**
 * Prints one generated TypeScript file from ts-morph structures, once: no AST manipulation.
 */
import { createRequire } from 'node:module';
import type { StatementStructures, WriterFunction } from 'ts-morph';
import { generatedHeader } from '../types.js';

/**
 * ts-morph (with the TypeScript compiler it bundles, ~13 MB of JavaScript: most of a second to
 * load cold) is required on the first printFile() call, not when this module is imported: the
 * emitters that only use quote(), docs() or present() from here never load it.
 */
const requireModule = createRequire(import.meta.url);
let tsMorph: typeof import('ts-morph') | undefined;

const PRINT_OPTIONS = { indentNumberOfSpaces: 2, useSingleQuote: true, newLine: '\n' } as const;

/** A top-level statement: a structure, or a writer for code structures print badly. */
export type Statement = StatementStructures | WriterFunction | string;

function print(statements: readonly Statement[]): string {
  if (statements.length === 0) return '';
  tsMorph ??= requireModule('ts-morph') as typeof import('ts-morph');
  const text = tsMorph.printStructure({ kind: tsMorph.StructureKind.SourceFile, statements: [...statements] }, PRINT_OPTIONS);
  return text.replace(/^\n+/, '').replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '') + '\n';
}

/**
 * Header line, imports, a blank line, then the body, formatted (2 spaces, single quotes,
 * trailing newline). Callers whose bodies are writer functions that collect imports pass
 * `imports` as a function, called after the body is printed.
 */
export function printFile(
  sourcePath: string,
  imports: readonly Statement[] | (() => readonly Statement[]),
  body: readonly Statement[] = [],
): string {
  const bodyText = print(body);
  const importText = print(typeof imports === 'function' ? imports() : imports);
  const parts = [generatedHeader(sourcePath), importText.replace(/\n$/, ''), bodyText.replace(/\n$/, '')].filter((p) => p !== '');
  return `${parts[0] ?? ''}\n${parts.slice(1).join('\n\n')}\n`;
}

/**
 * An import of the given names, sorted, one per line when the list is long; undefined when
 * there are none (so callers can filter).
 */
export function importNames(moduleSpecifier: string, names: Iterable<string>, typeOnly = false): WriterFunction | undefined {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return undefined;
  const head = typeOnly ? 'import type' : 'import';
  return (w) => {
    const inline = `${head} { ${sorted.join(', ')} } from '${moduleSpecifier}';`;
    if (inline.length <= 120) {
      w.writeLine(inline);
      return;
    }
    w.writeLine(`${head} {`);
    w.indent(() => sorted.forEach((n) => w.writeLine(`${n},`)));
    w.writeLine(`} from '${moduleSpecifier}';`);
  };
}

/** Drops the undefined entries of a statement list. */
export function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** A TypeScript single-quoted string literal. */
export function quote(text: string): string {
  if (!/[\\'\n\r\u2028\u2029]/.test(text)) return `'${text}'`;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** JSDoc text from a description, or none. */
export function docs(...lines: (string | undefined)[]): string[] {
  const text = lines.filter((line): line is string => line !== undefined && line !== '').join('\n');
  return text === '' ? [] : [text.replace(/\*\//g, '*\\/')];
}
