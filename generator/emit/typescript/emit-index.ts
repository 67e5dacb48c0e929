/**
 * `<domain>/index.ts`: the domain's public API as an explicit allow-list (no `export *`), so
 * internal helpers of the generated files never become API by accident.
 */
import type { DomainDef, ProjectDef } from '../../ir/model.js';
import {
  aggregateBaseClassName,
  aggregateDescriptorName,
  codecName,
  domainDescriptorName,
  domainFolder,
  enumValuesName,
  viewDefinitionName,
  viewKeyTypeName,
  viewProjectionBaseName,
  viewProjectionName,
  viewRowTypeName,
  eventDataTypeName,
  eventInputTypeName,
  eventUnionName,
  stateTypeName,
  validatorName,
  versionedTypeName,
} from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { hasAbstractHandlers, validatedEvents } from './domain-facts.js';
import { printSourceFile } from './print-structures.js';
import { StructureKind, type ExportDeclarationStructure } from './structures.js';

function exportFrom(
  moduleSpecifier: string,
  namedExports: readonly string[],
  isTypeOnly = false,
): ExportDeclarationStructure {
  return { kind: StructureKind.ExportDeclaration, moduleSpecifier, namedExports, isTypeOnly };
}

export function emitIndexFile(domain: DomainDef): GeneratedFile {
  const typeNames = [
    ...domain.enums.map((e) => e.name),
    ...domain.valueObjects.map((v) => v.name),
    ...domain.aggregates.flatMap((a) => [
      stateTypeName(a.name),
      ...a.state.versions.map((v) => versionedTypeName(stateTypeName(a.name), v.version)),
      eventUnionName(a.name),
      ...a.events.flatMap((e) => [
        e.name,
        eventDataTypeName(e.name),
        eventInputTypeName(e.name),
        ...e.versions.map((v) => versionedTypeName(e.name, v.version)),
      ]),
    ]),
  ];
  const statements = [
    exportFrom(
      './aggregates.js',
      domain.aggregates.flatMap((a) => [aggregateBaseClassName(a.name), ...(hasAbstractHandlers(a) ? [] : [a.name])]),
    ),
    exportFrom('./descriptors.js', [
      ...domain.aggregates.map((a) => aggregateDescriptorName(a.name)),
      domainDescriptorName(domain.name),
    ]),
    exportFrom(
      './transcoders.js',
      domain.aggregates.flatMap((a) => [codecName(stateTypeName(a.name)), ...a.events.map((e) => codecName(e.name))]),
    ),
    ...(domain.enums.length === 0
      ? []
      : [
          exportFrom(
            './types.js',
            domain.enums.map((e) => enumValuesName(e.name)),
          ),
        ]),
    exportFrom('./types.js', typeNames, true),
    ...(validatedEvents(domain).length === 0
      ? []
      : [
          exportFrom(
            './validators.js',
            validatedEvents(domain).map((e) => validatorName(e.name)),
          ),
        ]),
    ...(domain.views.length === 0
      ? []
      : [
          exportFrom(
            './views.js',
            domain.views.flatMap((v) => [
              viewDefinitionName(v.name),
              viewProjectionBaseName(v.name),
              ...(v.on.some((on) => on.handler.kind === 'custom') ? [] : [viewProjectionName(v.name)]),
            ]),
          ),
          exportFrom(
            './views.js',
            domain.views.flatMap((v) => [viewRowTypeName(v.name), viewKeyTypeName(v.name)]),
            true,
          ),
        ]),
  ];
  return {
    path: `${domainFolder(domain.name)}/index.ts`,
    contents: printSourceFile(domain.sourcePath, { imports: [], statements }),
  };
}

/** Emits `<domain>/index.ts` for every domain. */
export const indexEmitter: Emitter = {
  name: 'typescript-index',
  emit: (project: ProjectDef, _ctx: EmitContext) => project.domains.map((d) => emitIndexFile(d)),
};
