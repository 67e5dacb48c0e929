/**
 * Prints one generated TypeScript file from ts-morph structures, once: no AST manipulation.
 */
import { printStructure, StructureKind } from 'ts-morph';
import type { ImportDeclarationStructure, StatementStructures } from 'ts-morph';
import { generatedHeader } from '../types.js';

const PRINT_OPTIONS = { indentNumberOfSpaces: 2, useSingleQuote: true, newLine: '\n' } as const;

/** Header line, then the statements, formatted (2 spaces, single quotes, trailing newline). */
export function printFile(sourcePath: string, statements: readonly StatementStructures[]): string {
  const body = printStructure({ kind: StructureKind.SourceFile, statements: [...statements] }, PRINT_OPTIONS);
  return `${generatedHeader(sourcePath)}\n${body.endsWith('\n') ? body : body + '\n'}`;
}

/** An import of the given names, sorted; undefined when there are none (so callers can filter). */
export function importNames(
  moduleSpecifier: string,
  names: Iterable<string>,
  typeOnly = false,
): ImportDeclarationStructure | undefined {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return undefined;
  return { kind: StructureKind.ImportDeclaration, moduleSpecifier, namedImports: sorted, isTypeOnly: typeOnly };
}

/** Drops the undefined entries of a statement list. */
export function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** A TypeScript single-quoted string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** JSDoc text from a description, or none. */
export function docs(...lines: (string | undefined)[]): string[] {
  const text = lines.filter((line): line is string => line !== undefined && line !== '').join('\n\n');
  return text === '' ? [] : [text.replace(/\*\//g, '*\\/')];
}
