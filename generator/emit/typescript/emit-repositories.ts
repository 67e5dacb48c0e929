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
import type { CodeWriter } from './code-writer.js';
import { hasAbstractHandlers } from './domain-facts.js';
import { printSourceFile } from './print-structures.js';
import {
  StructureKind,
  type FunctionDeclarationOverloadStructure,
  type FunctionDeclarationStructure,
  type ImportDeclarationStructure,
  type InterfaceDeclarationStructure,
  type ParameterDeclarationStructure,
  type StatementStructure,
  type TypeParameterDeclarationStructure,
} from './structures.js';
import { docs } from './text.js';

function typeParameter(a: AggregateDef): string {
  return `T${a.name}`;
}

const APP: ParameterDeclarationStructure = { name: 'app', type: 'Application' };

function exportedFunction(
  name: string,
  overloads: readonly FunctionDeclarationOverloadStructure[],
  implementation: FunctionDeclarationOverloadStructure,
  statements: FunctionDeclarationStructure['statements'],
): FunctionDeclarationStructure {
  return { kind: StructureKind.Function, name, isExported: true, overloads, ...implementation, statements };
}

function repositoryFunction(a: AggregateDef): FunctionDeclarationStructure {
  const base = aggregateBaseClassName(a.name);
  const name = repositoryFunctionName(a.name);
  const about = `${a.name} aggregates in the application's store (in memory, SQLite or PostgreSQL: the same API).`;
  const body = 'return app.repository(cls);';
  const subclass = { name: 'A', constraint: base };
  if (hasAbstractHandlers(a)) {
    return exportedFunction(
      name,
      [],
      {
        docs: docs(about, a.description, `@param cls your subclass of ${base}, which implements its event handlers`),
        typeParameters: [subclass],
        parameters: [APP, { name: 'cls', type: 'AggregateClass<A>' }],
        returnType: 'Repository<A>',
      },
      body,
    );
  }
  const overloads: FunctionDeclarationOverloadStructure[] = [
    {
      docs: docs(about, a.description, `Loads the generated ${a.name} class.`),
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
  return exportedFunction(
    name,
    overloads,
    {
      parameters: [APP, { name: 'cls', type: `AggregateClass<${base}>`, initializer: a.name }],
      returnType: `Repository<${base}>`,
    },
    body,
  );
}

/** `account: accountRepository(app, classes.Account),`, its arguments one a line when long. */
function writeRepositoryEntry(w: CodeWriter, a: AggregateDef): void {
  const args = ['app', ...(hasAbstractHandlers(a) ? [`classes.${a.name}`] : [])];
  const call = `${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(`;
  const inline = `${call}${args.join(', ')}),`;
  if (w.indentWidth + inline.length <= w.options.lineWidth) {
    w.writeLine(inline);
    return;
  }
  w.writeLine(call);
  w.indent(() => args.forEach((arg) => w.writeLine(`${arg},`)));
  w.writeLine('),');
}

function domainStatements(domain: DomainDef): StatementStructure[] {
  const typeName = repositoriesTypeName(domain.name);
  const custom = domain.aggregates.filter(hasAbstractHandlers);
  const typeParameters: TypeParameterDeclarationStructure[] = custom.map((a) => ({
    name: typeParameter(a),
    constraint: aggregateBaseClassName(a.name),
  }));
  const typeArgs = custom.length === 0 ? '' : `<${custom.map(typeParameter).join(', ')}>`;
  const repositories: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    name: typeName,
    isExported: true,
    docs: docs(`The repositories of the ${domain.name} domain, by aggregate.`),
    typeParameters,
    properties: domain.aggregates.map((a) => ({
      name: camelCase(a.name),
      type: `Repository<${hasAbstractHandlers(a) ? typeParameter(a) : a.name}>`,
      isReadonly: true,
    })),
  };
  const classesName = aggregateClassesTypeName(domain.name);
  const classes: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    name: classesName,
    isExported: true,
    docs: docs(`The hand-written subclasses the ${domain.name} repositories load (their events have custom handlers).`),
    typeParameters,
    properties: custom.map((a) => ({ name: a.name, type: `AggregateClass<${typeParameter(a)}>`, isReadonly: true })),
  };
  const all = exportedFunction(
    domainRepositoriesName(domain.name),
    [],
    {
      docs: docs(`Every repository of the ${domain.name} domain, for one application.`),
      typeParameters,
      parameters: [APP, ...(custom.length === 0 ? [] : [{ name: 'classes', type: `${classesName}${typeArgs}` }])],
      returnType: `${typeName}${typeArgs}`,
    },
    (w) => {
      w.writeLine('return {');
      w.indent(() => domain.aggregates.forEach((a) => writeRepositoryEntry(w, a)));
      w.writeLine('};');
    },
  );
  return custom.length === 0 ? [repositories, all] : [repositories, classes, all];
}

/** `<domain>/repositories.ts` of one domain. */
export function emitRepositoriesFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const concrete = domain.aggregates.filter((a) => !hasAbstractHandlers(a)).map((a) => a.name);
  const bases = domain.aggregates.map((a) => aggregateBaseClassName(a.name));
  const imports: ImportDeclarationStructure[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: ctx.runtimeImport,
      isTypeOnly: true,
      namedImports: ['AggregateClass', 'Application', 'Repository'],
    },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: './aggregates.js', namedImports: concrete },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: './aggregates.js',
      isTypeOnly: true,
      namedImports: bases,
    },
  ];
  const statements = [...domain.aggregates.map(repositoryFunction), ...domainStatements(domain)];
  return {
    path: `${domainFolder(domain.name)}/repositories.ts`,
    contents: printSourceFile(domain.sourcePath, { imports, statements }),
  };
}

/** Emits `<domain>/repositories.ts` for every domain with aggregates. */
export const repositoriesEmitter: Emitter = {
  name: 'repositories',
  emit: (project: ProjectDef, ctx: EmitContext) =>
    project.domains.filter((d) => d.aggregates.length > 0).map((d) => emitRepositoriesFile(d, ctx)),
};
