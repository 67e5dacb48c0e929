/**
 * `<domain>/descriptors.ts`: what the runtime needs to know of each aggregate (topics, codecs,
 * snapshot policy) and of the domain as a whole.
 */

import type { AggregateDef, DomainDef, ProjectDef } from '../../ir/model.js';
import { aggregateDescriptorName, codecName, domainDescriptorName, domainFolder, stateTypeName } from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { constDeclaration } from './code-writer.js';
import { importLines, printLines } from './line-writer.js';
import { docs, present, quote } from './text.js';
import type { LineStatement } from './line-writer.js';

function aggregateDescriptor(aggregate: AggregateDef): LineStatement {
  const state = stateTypeName(aggregate.name);
  return (w) => {
    w.blankLine();
    w.writeLine(`/** What the runtime knows of ${aggregate.name}: topics, transcoders and snapshot policy. */`);
    w.writeLine(`export const ${aggregateDescriptorName(aggregate.name)}: AggregateDescriptor<${state}> = {`);
    w.indent(() => {
      w.writeLine(`name: ${quote(aggregate.name)},`);
      w.writeLine(`topic: ${quote(aggregate.topic)},`);
      w.writeLine(`snapshotEvery: ${aggregate.snapshot === undefined ? 'undefined' : String(aggregate.snapshot.every)},`);
      w.writeLine(`state: ${codecName(state)},`);
      w.writeLine('events: [');
      w.indent(() => {
        for (const e of aggregate.events) w.writeLine(`{ type: ${quote(e.name)}, topic: ${quote(e.topic)}, codec: ${codecName(e.name)} },`);
      });
      w.writeLine('],');
    });
    w.writeLine('};');
    w.blankLine();
  };
}

export function emitDescriptorsFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const imports = present([
    importLines(ctx.runtimeImport, ['AggregateDescriptor', 'DomainDescriptor'], true),
    importLines('./transcoders.js', domain.aggregates.flatMap((a) => [codecName(stateTypeName(a.name)), ...a.events.map((e) => codecName(e.name))])),
    importLines('./types.js', domain.aggregates.map((a) => stateTypeName(a.name)), true),
  ]);
  const statements: LineStatement[] = [
    ...domain.aggregates.map(aggregateDescriptor),
    constDeclaration(
      domainDescriptorName(domain.name),
      'DomainDescriptor',
      `{ name: ${quote(domain.name)}, aggregates: [${domain.aggregates.map((a) => aggregateDescriptorName(a.name)).join(', ')}] }`,
      { exported: true, docs: docs(domain.description, `The ${domain.name} domain: register it with the application.`) },
    ),
  ];
  return { path: `${domainFolder(domain.name)}/descriptors.ts`, contents: printLines(domain.sourcePath, imports, statements) };
}

/** Emits `<domain>/descriptors.ts` for every domain. */
export const descriptorsEmitter: Emitter = {
  name: 'typescript-descriptors',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitDescriptorsFile(d, ctx)),
};
