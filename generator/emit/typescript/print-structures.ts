/**
 * Prints structures (structures.ts) through the CodeWriter: one small printer per kind of
 * statement, each in the layout the generated files use (two spaces, single quotes, blank lines
 * around blocks, signatures and lists wrapped at the line width), and whole files.
 */
import { generatedHeader } from '../types.js';
import { CodeWriter, DEFAULT_PRINT_OPTIONS, type PrintOptions } from './code-writer.js';
import type {
  ClassDeclarationStructure,
  ExportDeclarationStructure,
  FunctionDeclarationOverloadStructure,
  FunctionDeclarationStructure,
  ImportDeclarationStructure,
  InterfaceDeclarationStructure,
  ParameterDeclarationStructure,
  SourceFileStructure,
  StatementStructure,
  TypeAliasDeclarationStructure,
  TypeParameterDeclarationStructure,
  VariableStatementStructure,
  WriterFunction,
} from './structures.js';

/** Splits prose at spaces into lines of at most `width` characters (longer words stay whole). */
function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  // A list item's continuation lines align under its text, so the item still reads as one.
  const hanging = text.startsWith('- ') ? '  ' : '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hanging + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** One JSDoc block per entry: `/** text *\/` when it fits one line, else a starred block. */
export function writeJsDoc(w: CodeWriter, docs: readonly string[] | undefined): void {
  for (const text of docs ?? []) {
    const lines: string[] = [];
    for (const line of text.split('\n')) {
      if (line.length <= w.options.jsDocWidth) lines.push(line);
      else lines.push(...wrapText(line, w.options.jsDocWidth));
    }
    if (lines.length > 1 && lines[0] === '') lines.shift();
    const only = lines.length === 1 ? lines[0] : undefined;
    if (only !== undefined) {
      w.writeLine(`/** ${only}${only.endsWith(' ') ? '' : ' '}*/`);
      continue;
    }
    w.writeLine('/**');
    for (const line of lines) w.writeLine(line === '' ? ' *' : ` * ${line}`);
    w.writeLine(' */');
  }
}

function writeStatements(w: CodeWriter, statements: string | WriterFunction): void {
  w.indent(() => (typeof statements === 'string' ? w.writeLine(statements) : statements(w)));
}

function parameterText(p: ParameterDeclarationStructure): string {
  return `${p.name}: ${p.type}${p.initializer === undefined ? '' : ` = ${p.initializer}`}`;
}

function typeParameterText(t: TypeParameterDeclarationStructure): string {
  return t.constraint === undefined ? t.name : `${t.name} extends ${t.constraint}`;
}

/**
 * `head<T>(a: A, b: B)tail` on one line when it fits; else one parameter a line, and when a
 * line of that is still too long, one type parameter a line too. `parameters` undefined means
 * no parameter list (an interface head).
 */
function writeSignature(
  w: CodeWriter,
  head: string,
  typeParameters: readonly TypeParameterDeclarationStructure[] | undefined,
  parameters: readonly ParameterDeclarationStructure[] | undefined,
  tail: string,
): void {
  const width = w.options.lineWidth - w.indentWidth;
  const types = (typeParameters ?? []).map(typeParameterText);
  const params = parameters?.map(parameterText);
  const typeList = types.length === 0 ? '' : `<${types.join(', ')}>`;
  const inline = `${head}${typeList}${params === undefined ? '' : `(${params.join(', ')})`}${tail}`;
  if (inline.length <= width || (types.length === 0 && (params === undefined || params.length === 0))) {
    w.writeLine(inline);
    return;
  }
  const items = (list: readonly string[]): void => void w.indent(() => list.forEach((item) => w.writeLine(`${item},`)));
  const paramLines = params === undefined ? [] : [`${head}${typeList}(`, ...params.map((p) => `  ${p},`), `)${tail}`];
  if (
    params !== undefined &&
    params.length > 0 &&
    (types.length === 0 || paramLines.every((line) => line.length <= width))
  ) {
    w.writeLine(`${head}${typeList}(`);
    items(params);
    w.writeLine(`)${tail}`);
    return;
  }
  w.writeLine(`${head}<`);
  items(types);
  if (params === undefined) {
    w.writeLine(`>${tail}`);
    return;
  }
  w.writeLine('>(');
  items(params);
  w.writeLine(`)${tail}`);
}

function exported(structure: { readonly isExported?: boolean }): string {
  return structure.isExported === true ? 'export ' : '';
}

/** `<head> { a, b } from 'module';` with the names sorted, one a line when the list is long. */
function writeNameList(w: CodeWriter, head: string, moduleSpecifier: string, names: Iterable<string>): void {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return;
  const inline = `${head} { ${sorted.join(', ')} } from '${moduleSpecifier}';`;
  if (inline.length <= w.options.lineWidth - w.indentWidth) {
    w.writeLine(inline);
    return;
  }
  w.writeLine(`${head} {`);
  w.indent(() => sorted.forEach((n) => w.writeLine(`${n},`)));
  w.writeLine(`} from '${moduleSpecifier}';`);
}

function printImport(w: CodeWriter, s: ImportDeclarationStructure): void {
  const head = s.isTypeOnly === true ? 'import type' : 'import';
  if (s.namespaceImport !== undefined) w.writeLine(`${head} * as ${s.namespaceImport} from '${s.moduleSpecifier}';`);
  writeNameList(w, head, s.moduleSpecifier, s.namedImports ?? []);
}

function printExport(w: CodeWriter, s: ExportDeclarationStructure): void {
  writeNameList(w, s.isTypeOnly === true ? 'export type' : 'export', s.moduleSpecifier, s.namedExports);
}

function printInterface(w: CodeWriter, s: InterfaceDeclarationStructure): void {
  w.blankLine();
  writeJsDoc(w, s.docs);
  const head = `${exported(s)}interface ${s.name}`;
  if (s.properties.length === 0 && (s.typeParameters ?? []).length === 0) {
    w.writeLine(`${head} {}`);
    w.blankLine();
    return;
  }
  writeSignature(w, head, s.typeParameters, undefined, ' {');
  w.indent(() => {
    for (const p of s.properties) {
      writeJsDoc(w, p.docs);
      w.writeLine(
        `${p.isReadonly === true ? 'readonly ' : ''}${p.name}${p.hasQuestionToken === true ? '?' : ''}: ${p.type};`,
      );
    }
  });
  w.writeLine('}');
  w.blankLine();
}

function printTypeAlias(w: CodeWriter, s: TypeAliasDeclarationStructure): void {
  writeJsDoc(w, s.docs);
  const head = `${exported(s)}type ${s.name} =`;
  if (typeof s.type === 'string') {
    w.writeLine(`${head} ${s.type};`);
    return;
  }
  const members = s.type.unionTypes;
  const inline = `${head} ${members.join(' | ')};`;
  if (inline.length <= w.options.lineWidth - w.indentWidth || members.length < 2) {
    w.writeLine(inline);
    return;
  }
  w.writeLine(head);
  w.indent(() => members.forEach((m, i) => w.writeLine(`| ${m}${i === members.length - 1 ? ';' : ''}`)));
}

function printVariableStatement(w: CodeWriter, s: VariableStatementStructure): void {
  const [d] = s.declarations;
  const standsApart = typeof d.initializer === 'function';
  if (standsApart) w.blankLine();
  writeJsDoc(w, s.docs);
  const head = `${exported(s)}${s.hasDeclareKeyword === true ? 'declare ' : ''}${s.declarationKind} ${d.name}: ${d.type}`;
  if (typeof d.initializer === 'function') {
    d.initializer(w.write(`${head} = `));
    w.writeLine(';');
  } else {
    w.writeLine(d.initializer === undefined ? `${head};` : `${head} = ${d.initializer};`);
  }
  if (standsApart) w.blankLine();
}

function writeFunctionHead(
  w: CodeWriter,
  s: FunctionDeclarationStructure,
  signature: FunctionDeclarationOverloadStructure,
  end: string,
): void {
  writeJsDoc(w, signature.docs);
  writeSignature(
    w,
    `${exported(s)}function ${s.name}`,
    signature.typeParameters,
    signature.parameters,
    `: ${signature.returnType}${end}`,
  );
}

function printFunction(w: CodeWriter, s: FunctionDeclarationStructure): void {
  w.blankLine();
  for (const overload of s.overloads ?? []) writeFunctionHead(w, s, overload, ';');
  writeFunctionHead(w, s, s, ' {');
  writeStatements(w, s.statements);
  w.writeLine('}');
  w.blankLine();
}

function modifiers(m: {
  scope?: string;
  isStatic?: boolean;
  isAbstract?: boolean;
  hasOverrideKeyword?: boolean;
  isReadonly?: boolean;
}): string {
  const words = [m.scope, m.isStatic === true ? 'static' : undefined, m.isAbstract === true ? 'abstract' : undefined];
  words.push(m.hasOverrideKeyword === true ? 'override' : undefined, m.isReadonly === true ? 'readonly' : undefined);
  return words
    .filter((word) => word !== undefined)
    .map((word) => `${word} `)
    .join('');
}

function classMembers(s: ClassDeclarationStructure): WriterFunction[] {
  return [
    ...(s.properties ?? []).map(
      (p): WriterFunction =>
        (w) => {
          writeJsDoc(w, p.docs);
          w.writeLine(
            `${modifiers(p)}${p.name}: ${p.type}${p.initializer === undefined ? '' : ` = ${p.initializer}`};`,
          );
        },
    ),
    ...(s.getAccessors ?? []).map(
      (g): WriterFunction =>
        (w) => {
          writeJsDoc(w, g.docs);
          w.writeLine(`${modifiers(g)}get ${g.name}(): ${g.returnType} {`);
          writeStatements(w, g.statements);
          w.writeLine('}');
        },
    ),
    ...(s.methods ?? []).map(
      (m): WriterFunction =>
        (w) => {
          writeJsDoc(w, m.docs);
          const end = m.statements === undefined ? ';' : ' {';
          writeSignature(w, `${modifiers(m)}${m.name}`, m.typeParameters, m.parameters, `: ${m.returnType}${end}`);
          if (m.statements === undefined) return;
          writeStatements(w, m.statements);
          w.writeLine('}');
        },
    ),
  ];
}

function printClass(w: CodeWriter, s: ClassDeclarationStructure): void {
  w.blankLine();
  writeJsDoc(w, s.docs);
  const head = `${exported(s)}${s.isAbstract === true ? 'abstract ' : ''}class ${s.name} extends ${s.extends}`;
  const members = classMembers(s);
  if (members.length === 0) {
    w.writeLine(`${head} {}`);
  } else {
    w.writeLine(`${head} {`);
    w.indent(() =>
      members.forEach((member, i) => {
        if (i > 0) w.blankLine();
        member(w);
      }),
    );
    w.writeLine('}');
  }
  w.blankLine();
}

type Printers = {
  readonly [K in StatementStructure['kind']]: (w: CodeWriter, s: Extract<StatementStructure, { kind: K }>) => void;
};

const PRINTERS: Printers = {
  ExportDeclaration: printExport,
  Interface: printInterface,
  TypeAlias: printTypeAlias,
  VariableStatement: printVariableStatement,
  Function: printFunction,
  Class: printClass,
};

function printStatement(w: CodeWriter, statement: StatementStructure | WriterFunction): void {
  if (typeof statement === 'function') {
    statement(w);
    return;
  }
  (PRINTERS[statement.kind] as (w: CodeWriter, s: StatementStructure) => void)(w, statement);
}

/** The generated-file header, leading trivia and imports, a blank line, then the statements. */
export function printSourceFile(
  sourcePath: string,
  file: SourceFileStructure,
  options: PrintOptions = DEFAULT_PRINT_OPTIONS,
): string {
  const body = new CodeWriter(options);
  for (const statement of file.statements) printStatement(body, statement);
  const head = new CodeWriter(options);
  file.leadingTrivia?.(head);
  for (const declaration of typeof file.imports === 'function' ? file.imports() : file.imports)
    printImport(head, declaration);
  const parts = [head.toString(), body.toString()].filter((part) => part !== '');
  return `${generatedHeader(sourcePath)}\n${parts.join('\n\n')}\n`;
}
