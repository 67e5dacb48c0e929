/**
 * `<domain>/repositories.ts`: a typed repository per aggregate, and one function giving all of a
 * domain's repositories for an application. They load through whichever store the application
 * opened (in memory, SQLite or PostgreSQL through the Prisma recorders) with the same API.
 *
 * An aggregate whose events all apply declaratively has a generated concrete class, which the
 * repository loads by default; one with hand-written handlers needs the user's subclass.
 */
import type { AggregateDef, DomainDef, ProjectDef } from '../../ir/model.js';
import {
  aggregateBaseClassName,
  aggregateClassesTypeName,
  camelCase,
  domainFolder,
  domainRepositoriesName,
  repositoriesTypeName,
  repositoryFunctionName,
} from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { hasAbstractHandlers } from '../typescript/domain-facts.js';
import { wrapText, type ParameterShape, type PropertyShape } from '../typescript/code-writer.js';
import { importLines, printLines, type LineStatement, type LineWriter } from '../typescript/line-writer.js';
import { docs as docLines, present } from '../typescript/text.js';

const LINE_WIDTH = 120;

/** JSDoc text wrapped so that `/** … *\/` and ` * …` lines stay within the line width. */
function docs(...lines: (string | undefined)[]): string[] {
  return docLines(...lines).map((text) => text.split('\n').flatMap((line) => wrapText(line, LINE_WIDTH - 7)).join('\n'));
}

function typeParameter(a: AggregateDef): string {
  return `T${a.name}`;
}

/** A generic type parameter and its constraint: `A extends DogBase`. */
interface TypeParameterShape {
  readonly name: string;
  readonly constraint: string;
}

/** One signature of a function (an overload or the implementation). */
interface SignatureShape {
  readonly docs: readonly string[];
  readonly typeParameters: readonly TypeParameterShape[];
  readonly parameters: readonly ParameterShape[];
  readonly returnType: string;
}

/**
 * JSDoc as the generated files have always had it (ts-morph's layout, kept byte for byte):
 * `/** text *\/` for one line, else a starred block with ` *` for empty lines.
 */
function writeJsDoc(w: LineWriter, docs: readonly string[]): void {
  for (const text of docs) {
    const lines = text.split(/\r?\n/);
    const singleLine = lines.length === 1;
    if (lines[0] === '' && !singleLine) lines.shift();
    if (singleLine) {
      const line = lines[0] ?? '';
      w.writeLine(`/** ${line}${line.endsWith(' ') ? '' : ' '}*/`);
      continue;
    }
    w.writeLine('/**');
    for (const line of lines) w.writeLine(line === '' ? ' *' : ` * ${line}`);
    w.writeLine(' */');
  }
}

function typeParameterList(typeParameters: readonly TypeParameterShape[]): string {
  return typeParameters.length === 0 ? '' : `<${typeParameters.map((t) => `${t.name} extends ${t.constraint}`).join(', ')}>`;
}

/** `export function name<T>(a: A, b: B = c): R` (then `;` or ` {`), wrapped when long. */
function writeFunctionSignature(w: LineWriter, name: string, signature: SignatureShape, end: ';' | ' {'): void {
  writeJsDoc(w, signature.docs);
  const params = signature.parameters.map((p) => `${p.name}: ${p.type}${p.initializer === undefined ? '' : ` = ${p.initializer}`}`);
  const line = `export function ${name}${typeParameterList(signature.typeParameters)}(${params.join(', ')}): ${signature.returnType}${end}`;
  for (const wrapped of wrapSignature(line)) w.writeLine(wrapped);
}

/** An exported function with overloads (none for a single signature) and a one-statement body. */
function functionDeclaration(name: string, overloads: readonly SignatureShape[], implementation: SignatureShape, body: string): LineStatement {
  return (w) => {
    w.blankLine();
    for (const overload of overloads) writeFunctionSignature(w, name, overload, ';');
    writeFunctionSignature(w, name, implementation, ' {');
    w.indent(() => w.writeLine(body));
    w.writeLine('}');
    w.blankLine();
  };
}

/** `export interface Name<T> { readonly a: A; … }` */
function interfaceDeclaration(name: string, docs: readonly string[], typeParameters: readonly TypeParameterShape[], properties: readonly PropertyShape[]): LineStatement {
  return (w) => {
    w.blankLine();
    writeJsDoc(w, docs);
    for (const wrapped of wrapSignature(`export interface ${name}${typeParameterList(typeParameters)} {`)) w.writeLine(wrapped);
    w.indent(() => {
      for (const p of properties) w.writeLine(`readonly ${p.name}: ${p.type};`);
    });
    w.writeLine('}');
    w.blankLine();
  };
}

const APP: ParameterShape = { name: 'app', type: 'Application' };

function repositoryFunction(a: AggregateDef): LineStatement {
  const base = aggregateBaseClassName(a.name);
  const name = repositoryFunctionName(a.name);
  const about = `${a.name} aggregates in the application's store (in memory, SQLite or PostgreSQL: the same API).`;
  const body = 'return app.repository(cls);';
  const subclass = { name: 'A', constraint: base };
  if (hasAbstractHandlers(a)) {
    return functionDeclaration(name, [], {
      docs: docs(about, a.description, `@param cls your subclass of ${base}, which implements its event handlers`),
      typeParameters: [subclass],
      parameters: [APP, { name: 'cls', type: 'AggregateClass<A>' }],
      returnType: 'Repository<A>',
    }, body);
  }
  const overloads: SignatureShape[] = [
    {
      docs: docs(about, a.description, `Loads the generated ${a.name} class.`),
      typeParameters: [],
      parameters: [APP],
      returnType: `Repository<${a.name}>`,
    },
    {
      docs: docs(about, a.description, `@param cls a subclass of ${base} to load instead (e.g. one with commands)`),
      typeParameters: [subclass],
      parameters: [APP, { name: 'cls', type: 'AggregateClass<A>' }],
      returnType: 'Repository<A>',
    },
  ];
  return functionDeclaration(name, overloads, {
    docs: [],
    typeParameters: [],
    parameters: [APP, { name: 'cls', type: `AggregateClass<${base}>`, initializer: a.name }],
    returnType: `Repository<${base}>`,
  }, body);
}

/** `  account: accountRepository(app, classes.Account),` (printed at 2 more spaces), its arguments wrapped when long. */
function repositoryEntry(a: AggregateDef): string {
  const args = ['app', ...(hasAbstractHandlers(a) ? [`classes.${a.name}`] : [])];
  const inline = `  ${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(${args.join(', ')}),`;
  if (inline.length + 2 <= LINE_WIDTH) return inline;
  return [`  ${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(`, ...args.map((arg) => `    ${arg},`), '  ),'].join('\n');
}

function domainStatements(domain: DomainDef): LineStatement[] {
  const typeName = repositoriesTypeName(domain.name);
  const custom = domain.aggregates.filter(hasAbstractHandlers);
  const typeParameters = custom.map((a) => ({ name: typeParameter(a), constraint: aggregateBaseClassName(a.name) }));
  const typeArgs = custom.length === 0 ? '' : `<${custom.map(typeParameter).join(', ')}>`;
  const repositories = interfaceDeclaration(
    typeName,
    docs(`The repositories of the ${domain.name} domain, by aggregate.`),
    typeParameters,
    domain.aggregates.map((a) => ({ name: camelCase(a.name), type: `Repository<${hasAbstractHandlers(a) ? typeParameter(a) : a.name}>` })),
  );
  const classesName = aggregateClassesTypeName(domain.name);
  const classes =
    custom.length === 0
      ? undefined
      : interfaceDeclaration(
          classesName,
          docs(`The hand-written subclasses the ${domain.name} repositories load (their events have custom handlers).`),
          typeParameters,
          custom.map((a) => ({ name: a.name, type: `AggregateClass<${typeParameter(a)}>` })),
        );
  const all = functionDeclaration(domainRepositoriesName(domain.name), [], {
    docs: docs(`Every repository of the ${domain.name} domain, for one application.`),
    typeParameters,
    parameters: [APP, ...(classes === undefined ? [] : [{ name: 'classes', type: `${classesName}${typeArgs}` }])],
    returnType: `${typeName}${typeArgs}`,
  }, `return {\n${domain.aggregates.map(repositoryEntry).join('\n')}\n};`);
  return present<LineStatement>([repositories, classes, all]);
}

/** Splits a bracket group's inside at its top-level commas. */
function splitTopLevel(inside: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i];
    if (c === '<' || c === '(' || c === '{' || c === '[') depth++;
    else if ((c === '>' && inside[i - 1] !== '=') || c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      items.push(inside.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(inside.slice(start).trim());
  return items.filter((item) => item !== '');
}

/** End index (exclusive) of the bracket group opening at `open`. */
function groupEnd(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const c = line[i];
    if (c === '<' || c === '(') depth++;
    else if ((c === '>' && line[i - 1] !== '=') || c === ')') depth--;
    if (depth === 0) return i + 1;
  }
  return line.length;
}

/**
 * A top-level function or interface header over 120 characters gets its parameters (and, if
 * still too long, its type parameters) one per line, with trailing commas.
 */
function wrapSignature(line: string): string[] {
  const header = /^(export )?(function|interface) \w+/.exec(line);
  if (line.length <= LINE_WIDTH || header === null) return [line];
  let at = header[0].length;
  const typeEnd = line[at] === '<' ? groupEnd(line, at) : at;
  const typeParams = line.slice(at, typeEnd);
  at = typeEnd;
  const paramsEnd = line[at] === '(' ? groupEnd(line, at) : at;
  const params = line.slice(at, paramsEnd);
  const tail = line.slice(paramsEnd);
  const block = (open: string, group: string, close: string): string[] => [
    open,
    ...splitTopLevel(group.slice(1, -1)).map((item) => `  ${item},`),
    close,
  ];
  if (params !== '') {
    const lines = block(`${header[0]}${typeParams}(`, params, `)${tail}`);
    if (lines.every((l) => l.length <= LINE_WIDTH) || typeParams === '') return lines;
    return [...block(`${header[0]}<`, typeParams, '>('), ...block('', params, `)${tail}`).slice(1)];
  }
  return typeParams === '' ? [line] : block(`${header[0]}<`, typeParams, `>${tail}`);
}

/** `<domain>/repositories.ts` of one domain. */
export function emitRepositoriesFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const concrete = domain.aggregates.filter((a) => !hasAbstractHandlers(a)).map((a) => a.name);
  const bases = domain.aggregates.map((a) => aggregateBaseClassName(a.name));
  const imports = present<LineStatement>([
    importLines(ctx.runtimeImport, ['AggregateClass', 'Application', 'Repository'], true),
    importLines('./aggregates.js', concrete),
    importLines('./aggregates.js', bases, true),
  ]);
  const body = [...domain.aggregates.map(repositoryFunction), ...domainStatements(domain)];
  return { path: `${domainFolder(domain.name)}/repositories.ts`, contents: printLines(domain.sourcePath, imports, body) };
}

/** Emits `<domain>/repositories.ts` for every domain with aggregates. */
export const repositoriesEmitter: Emitter = {
  name: 'repositories',
  emit: (project: ProjectDef, ctx: EmitContext) =>
    project.domains.filter((d) => d.aggregates.length > 0).map((d) => emitRepositoriesFile(d, ctx)),
};
