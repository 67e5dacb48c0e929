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
import { docs, importNames, present, printFile, type Statement } from '../typescript/print.js';

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
    statements: [
      `return {\n${domain.aggregates
        .map((a) => `  ${camelCase(a.name)}: ${repositoryFunctionName(a.name)}(app${hasAbstractHandlers(a) ? `, classes.${a.name}` : ''}),`)
        .join('\n')}\n};`,
    ],
  };
  return present<Statement>([repositories, classes, all]);
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
  return { path: `${domainFolder(domain.name)}/repositories.ts`, contents: printFile(domain.sourcePath, imports, body) };
}

/** Emits `<domain>/repositories.ts` for every domain with aggregates. */
export const repositoriesEmitter: Emitter = {
  name: 'repositories',
  emit: (project: ProjectDef, ctx: EmitContext) =>
    project.domains.filter((d) => d.aggregates.length > 0).map((d) => emitRepositoriesFile(d, ctx)),
};
