/**
 * `<domain>/repositories.ts`: a typed repository per aggregate, and one function giving all of a
 * domain's repositories for an application. They load through whichever store the application
 * opened (in memory, SQLite or PostgreSQL through the Prisma recorders) with the same API.
 *
 * An aggregate whose events all apply declaratively has a generated concrete class, which the
 * repository loads by default; one with hand-written handlers needs the user's subclass.
 */
import { StructureKind, type FunctionDeclarationStructure, type InterfaceDeclarationStructure } from 'ts-morph';
import type { AggregateDef, DomainDef, ProjectDef } from '../../ir/model.js';
import { aggregateBaseClassName, camelCase, domainFolder } from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { hasAbstractHandlers } from '../typescript/emit-aggregates.js';
import { wrapText } from '../typescript/code-writer.js';
import { docs as docLines, importNames, present, printFile, type Statement } from '../typescript/print.js';

const LINE_WIDTH = 120;

/** JSDoc text wrapped so that `/** … *\/` and ` * …` lines stay within the line width (ts-morph never wraps). */
function docs(...lines: (string | undefined)[]): string[] {
  return docLines(...lines).map((text) => text.split('\n').flatMap((line) => wrapText(line, LINE_WIDTH - 7)).join('\n'));
}

/** `dogRepository` */
export function repositoryFunctionName(aggregate: string): string {
  return `${camelCase(aggregate)}Repository`;
}

/** `dogSchoolRepositories`, returning `DogSchoolRepositories` */
export function domainRepositoriesName(domain: string): string {
  return `${camelCase(domain)}Repositories`;
}

function typeParameter(a: AggregateDef): string {
  return `T${a.name}`;
}

function repositoryFunction(a: AggregateDef): FunctionDeclarationStructure {
  const base = aggregateBaseClassName(a.name);
  const name = repositoryFunctionName(a.name);
  const about = `${a.name} aggregates in the application's store (in memory, SQLite or PostgreSQL: the same API).`;
  if (hasAbstractHandlers(a)) {
    return {
      kind: StructureKind.Function,
      isExported: true,
      name,
      docs: docs(about, a.description, `@param cls your subclass of ${base}, which implements its event handlers`),
      typeParameters: [{ name: 'A', constraint: base }],
      parameters: [
        { name: 'app', type: 'Application' },
        { name: 'cls', type: 'AggregateClass<A>' },
      ],
      returnType: 'Repository<A>',
      statements: ['return app.repository(cls);'],
    };
  }
  return {
    kind: StructureKind.Function,
    isExported: true,
    name,
    overloads: [
      {
        docs: docs(about, a.description, `Loads the generated ${a.name} class.`),
        parameters: [{ name: 'app', type: 'Application' }],
        returnType: `Repository<${a.name}>`,
      },
      {
        docs: docs(about, a.description, `@param cls a subclass of ${base} to load instead (e.g. one with commands)`),
        typeParameters: [{ name: 'A', constraint: base }],
        parameters: [
          { name: 'app', type: 'Application' },
          { name: 'cls', type: 'AggregateClass<A>' },
        ],
        returnType: 'Repository<A>',
      },
    ],
    parameters: [
      { name: 'app', type: 'Application' },
      { name: 'cls', type: `AggregateClass<${base}>`, initializer: a.name },
    ],
    returnType: `Repository<${base}>`,
    statements: ['return app.repository(cls);'],
  };
}

/** `  account: accountRepository(app, classes.Account),` (printed at 2 more spaces), its arguments wrapped when long. */
function repositoryEntry(a: AggregateDef): string {
  const args = ['app', ...(hasAbstractHandlers(a) ? [`classes.${a.name}`] : [])];
  const inline = `  ${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(${args.join(', ')}),`;
  if (inline.length + 2 <= LINE_WIDTH) return inline;
  return [`  ${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(`, ...args.map((arg) => `    ${arg},`), '  ),'].join('\n');
}

function domainStatements(domain: DomainDef): Statement[] {
  const typeName = `${domain.name}Repositories`;
  const custom = domain.aggregates.filter(hasAbstractHandlers);
  const typeParameters = custom.map((a) => ({ name: typeParameter(a), constraint: aggregateBaseClassName(a.name) }));
  const typeArgs = custom.length === 0 ? '' : `<${custom.map(typeParameter).join(', ')}>`;
  const repositories: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    isExported: true,
    name: typeName,
    docs: docs(`The repositories of the ${domain.name} domain, by aggregate.`),
    typeParameters,
    properties: domain.aggregates.map((a) => ({
      name: camelCase(a.name),
      isReadonly: true,
      type: `Repository<${hasAbstractHandlers(a) ? typeParameter(a) : a.name}>`,
    })),
  };
  const classes: InterfaceDeclarationStructure | undefined =
    custom.length === 0
      ? undefined
      : {
          kind: StructureKind.Interface,
          isExported: true,
          name: `${domain.name}AggregateClasses`,
          docs: docs(`The hand-written subclasses the ${domain.name} repositories load (their events have custom handlers).`),
          typeParameters,
          properties: custom.map((a) => ({ name: a.name, isReadonly: true, type: `AggregateClass<${typeParameter(a)}>` })),
        };
  const all: FunctionDeclarationStructure = {
    kind: StructureKind.Function,
    isExported: true,
    name: domainRepositoriesName(domain.name),
    docs: docs(`Every repository of the ${domain.name} domain, for one application.`),
    typeParameters,
    parameters: [
      { name: 'app', type: 'Application' },
      ...(classes === undefined ? [] : [{ name: 'classes', type: `${classes.name}${typeArgs}` }]),
    ],
    returnType: `${typeName}${typeArgs}`,
    statements: [`return {\n${domain.aggregates.map(repositoryEntry).join('\n')}\n};`],
  };
  return present<Statement>([repositories, classes, all]);
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
 * ts-morph prints a declaration's signature on one line, however long: a top-level function or
 * interface header over 120 characters gets its parameters (and, if still too long, its type
 * parameters) one per line, with trailing commas.
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
  const imports = present<Statement>([
    importNames(ctx.runtimeImport, ['AggregateClass', 'Application', 'Repository'], true),
    importNames('./aggregates.js', concrete),
    importNames('./aggregates.js', bases, true),
  ]);
  const body = [...domain.aggregates.map(repositoryFunction), ...domainStatements(domain)];
  const contents = printFile(domain.sourcePath, imports, body).split('\n').flatMap(wrapSignature).join('\n');
  return { path: `${domainFolder(domain.name)}/repositories.ts`, contents };
}

/** Emits `<domain>/repositories.ts` for every domain with aggregates. */
export const repositoriesEmitter: Emitter = {
  name: 'repositories',
  emit: (project: ProjectDef, ctx: EmitContext) =>
    project.domains.filter((d) => d.aggregates.length > 0).map((d) => emitRepositoriesFile(d, ctx)),
};
