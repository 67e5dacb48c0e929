/**
 * `<domain>/descriptors.ts`: what the runtime needs to know of each aggregate (topics, codecs,
 * snapshot policy) and of the domain as a whole.
 */

import type { AggregateDef, DomainDef, ProjectDef } from '../../ir/model.js';
import {
  aggregateDescriptorName,
  codecName,
  domainDescriptorName,
  domainFolder,
  stateTypeName,
} from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import type { CodeWriter } from './code-writer.js';
import { printSourceFile } from './print-structures.js';
import {
  StructureKind,
  VariableDeclarationKind,
  type ImportDeclarationStructure,
  type StatementStructure,
} from './structures.js';
import { docs, quote } from './text.js';

function aggregateDescriptor(aggregate: AggregateDef): StatementStructure {
  const state = stateTypeName(aggregate.name);
  const initializer = (w: CodeWriter): void => {
    w.writeLine('{');
    w.indent(() => {
      w.writeLine(`name: ${quote(aggregate.name)},`);
      w.writeLine(`topic: ${quote(aggregate.topic)},`);
      w.writeLine(
        `snapshotEvery: ${aggregate.snapshot === undefined ? 'undefined' : String(aggregate.snapshot.every)},`,
      );
      w.writeLine(`state: ${codecName(state)},`);
      w.writeLine('events: [');
      w.indent(() => {
        for (const e of aggregate.events)
          w.writeLine(`{ type: ${quote(e.name)}, topic: ${quote(e.topic)}, codec: ${codecName(e.name)} },`);
      });
      w.writeLine('],');
    });
    w.write('}');
  };
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    docs: [`What the runtime knows of ${aggregate.name}: topics, transcoders and snapshot policy.`],
    declarations: [
      { name: aggregateDescriptorName(aggregate.name), type: `AggregateDescriptor<${state}>`, initializer },
    ],
  };
}

export function emitDescriptorsFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const imports: ImportDeclarationStructure[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: ctx.runtimeImport,
      isTypeOnly: true,
      namedImports: ['AggregateDescriptor', 'DomainDescriptor'],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: './transcoders.js',
      namedImports: domain.aggregates.flatMap((a) => [
        codecName(stateTypeName(a.name)),
        ...a.events.map((e) => codecName(e.name)),
      ]),
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: './types.js',
      isTypeOnly: true,
      namedImports: domain.aggregates.map((a) => stateTypeName(a.name)),
    },
  ];
  const aggregates = domain.aggregates.map((a) => aggregateDescriptorName(a.name)).join(', ');
  const statements: StatementStructure[] = [
    ...domain.aggregates.map(aggregateDescriptor),
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      isExported: true,
      docs: docs(domain.description, `The ${domain.name} domain: register it with the application.`),
      declarations: [
        {
          name: domainDescriptorName(domain.name),
          type: 'DomainDescriptor',
          initializer: `{ name: ${quote(domain.name)}, aggregates: [${aggregates}] }`,
        },
      ],
    },
  ];
  return {
    path: `${domainFolder(domain.name)}/descriptors.ts`,
    contents: printSourceFile(domain.sourcePath, { imports, statements }),
  };
}

/** Emits `<domain>/descriptors.ts` for every domain. */
export const descriptorsEmitter: Emitter = {
  name: 'typescript-descriptors',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitDescriptorsFile(d, ctx)),
};
