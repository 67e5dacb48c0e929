/**
 * Declaration shapes and their printers: one small printer per kind of declaration the
 * generated files hold (interfaces, type aliases, constants, functions, classes, export lists),
 * each writing through the file's LineWriter (see line-writer.ts for why not ts-morph).
 */
import { nameList, type LineStatement, type LineWriter } from './line-writer.js';

export interface PropertyShape {
  readonly name: string;
  readonly type: string;
  readonly optional?: boolean;
  readonly docs?: readonly string[];
}

export interface ParameterShape {
  readonly name: string;
  readonly type: string;
  readonly initializer?: string;
}

const DOC_WIDTH = 100;
const LINE_WIDTH = 120;

/** Splits prose at spaces into lines of at most `width` characters (longer words stay whole). */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `(a: A, b: B)`, or one parameter per line when the signature would be longer than the line width. */
function writeSignature(w: LineWriter, prefix: string, parameters: readonly ParameterShape[], suffix: string): void {
  const params = parameters.map((p) => `${p.name}: ${p.type}${p.initializer === undefined ? '' : ` = ${p.initializer}`}`);
  const inline = `${prefix}(${params.join(', ')})${suffix}`;
  if (inline.length + w.indentWidth <= LINE_WIDTH || params.length === 0) {
    w.writeLine(inline);
    return;
  }
  w.writeLine(`${prefix}(`);
  w.indent(() => params.forEach((p) => w.writeLine(`${p},`)));
  w.writeLine(`)${suffix}`);
}

/** JSDoc: one line when the text is one line, else a starred block. */
export function writeDocs(w: LineWriter, docs: readonly string[] | undefined): void {
  if (docs === undefined || docs.length === 0) return;
  const only = docs.length === 1 ? docs[0] : undefined;
  if (only !== undefined && only.length <= DOC_WIDTH && !only.includes('\n')) {
    w.writeLine(`/** ${only} */`);
    return;
  }
  const lines = docs.join('\n').split('\n').flatMap((line) => wrapText(line, DOC_WIDTH));
  if (lines.length === 1) {
    w.writeLine(`/** ${lines[0]} */`);
    return;
  }
  w.writeLine('/**');
  for (const line of lines) w.writeLine(line === '' ? ' *' : ` * ${line}`);
  w.writeLine(' */');
}

/** `export interface Name { readonly a?: T; … }` */
export function interfaceDeclaration(name: string, docs: readonly string[], properties: readonly PropertyShape[]): LineStatement {
  return (w) => {
    w.blankLine();
    writeDocs(w, docs);
    if (properties.length === 0) {
      w.writeLine(`export interface ${name} {}`);
      w.blankLine();
      return;
    }
    w.writeLine(`export interface ${name} {`);
    w.indent(() => {
      for (const p of properties) {
        writeDocs(w, p.docs);
        w.writeLine(`readonly ${p.name}${p.optional === true ? '?' : ''}: ${p.type};`);
      }
    });
    w.writeLine('}');
    w.blankLine();
  };
}

/** `export type Name = type;` (consecutive aliases stay together, without blank lines). */
export function typeAlias(name: string, docs: readonly string[], type: string): LineStatement {
  return (w) => {
    writeDocs(w, docs);
    w.writeLine(`export type ${name} = ${type};`);
  };
}

/** `export type Name = | A | B …;`, one member per line when long. */
export function unionAlias(name: string, docs: readonly string[], members: readonly string[]): LineStatement {
  return (w) => {
    writeDocs(w, docs);
    const inline = `export type ${name} = ${members.join(' | ')};`;
    if (inline.length <= 120 || members.length < 2) {
      w.writeLine(inline);
      return;
    }
    w.writeLine(`export type ${name} =`);
    w.indent(() => members.forEach((m, i) => w.writeLine(`| ${m}${i === members.length - 1 ? ';' : ''}`)));
  };
}

/** `[export] const name: type = initializer;` */
export function constDeclaration(name: string, type: string, initializer: string, options: { exported?: boolean; docs?: readonly string[] } = {}): LineStatement {
  return (w) => {
    writeDocs(w, options.docs);
    w.writeLine(`${options.exported === true ? 'export ' : ''}const ${name}: ${type} = ${initializer};`);
  };
}

/** `function name(params): returnType { body }` */
export function functionDeclaration(
  name: string,
  parameters: readonly ParameterShape[],
  returnType: string,
  body: (w: LineWriter) => void,
): LineStatement {
  return (w) => {
    w.blankLine();
    writeSignature(w, `function ${name}`, parameters, `: ${returnType} {`);
    w.indent(() => body(w));
    w.writeLine('}');
    w.blankLine();
  };
}

/** `export [type] { a, b } from 'module';`, one name per line when the list is long. */
export function exportList(moduleSpecifier: string, names: readonly string[], typeOnly = false): LineStatement {
  return nameList(typeOnly ? 'export type' : 'export', moduleSpecifier, names) ?? (() => undefined);
}

export interface MemberShape {
  readonly kind: 'property' | 'getter' | 'method';
  readonly name: string;
  readonly docs?: readonly string[];
  readonly scope?: 'protected' | 'private';
  readonly isStatic?: boolean;
  readonly isAbstract?: boolean;
  readonly isOverride?: boolean;
  readonly isReadonly?: boolean;
  readonly typeParameters?: string;
  readonly parameters?: readonly ParameterShape[];
  /** Property type or return type. */
  readonly type: string;
  readonly initializer?: string;
  /** Absent for abstract members and properties. */
  readonly body?: (w: LineWriter) => void;
}

function writeMember(w: LineWriter, m: MemberShape): void {
  writeDocs(w, m.docs);
  const modifiers = [m.scope, m.isStatic === true ? 'static' : undefined, m.isAbstract === true ? 'abstract' : undefined, m.isOverride === true ? 'override' : undefined, m.isReadonly === true ? 'readonly' : undefined]
    .filter((x) => x !== undefined)
    .map((x) => `${x} `)
    .join('');
  if (m.kind === 'property') {
    w.writeLine(`${modifiers}${m.name}: ${m.type}${m.initializer === undefined ? '' : ` = ${m.initializer}`};`);
    return;
  }
  const prefix = `${modifiers}${m.kind === 'getter' ? 'get ' : ''}${m.name}${m.typeParameters ?? ''}`;
  if (m.body === undefined) {
    writeSignature(w, prefix, m.parameters ?? [], `: ${m.type};`);
    return;
  }
  writeSignature(w, prefix, m.parameters ?? [], `: ${m.type} {`);
  const body = m.body;
  w.indent(() => body(w));
  w.writeLine('}');
}

/** `export [abstract] class Name extends Base { members }`, members separated by blank lines. */
export function classDeclaration(
  name: string,
  options: { docs?: readonly string[]; isAbstract?: boolean; extends: string },
  members: readonly MemberShape[],
): LineStatement {
  return (w) => {
    w.blankLine();
    writeDocs(w, options.docs);
    const head = `export ${options.isAbstract === true ? 'abstract ' : ''}class ${name} extends ${options.extends}`;
    if (members.length === 0) {
      w.writeLine(`${head} {}`);
      w.blankLine();
      return;
    }
    w.writeLine(`${head} {`);
    w.indent(() => {
      members.forEach((m, i) => {
        if (i > 0) w.blankLine();
        writeMember(w, m);
      });
    });
    w.writeLine('}');
    w.blankLine();
  };
}
