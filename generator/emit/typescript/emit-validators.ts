/**
 * `<domain>/validators.js` + `validators.d.ts`: ajv standalone validators compiled now, at
 * generate time, from the JSON Schema of each event's input (wire form), so no schema is
 * compiled at run time. The `.js` module is ajv's output (untyped JavaScript); the hand-shaped
 * `.d.ts` types every export as the runtime's `SchemaValidator`, so TypeScript sees no `any`.
 */
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

import { InternalError } from '../../diagnostics.js';
import type { DomainDef, ProjectDef } from '../../ir/model.js';
import { domainFolder, validatorName } from '../../ir/naming.js';
import { validatedEvents } from './domain-facts.js';
import { generatedHeader, internalImport } from '../types.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { addEventforgeKeywords, RUNTIME_CHECKS, runtimeAlias } from './ajv-keywords.js';
import { objectSchema, valueObjectSchemaId } from './json-schema.js';
import { printSourceFile } from './print-structures.js';
import { StructureKind, VariableDeclarationKind, type VariableStatementStructure } from './structures.js';
import { docs } from './text.js';
import { domainScope } from './type-text.js';

// ajv ships CommonJS: under NodeNext its default export arrives as the module object.
const standaloneCode = standaloneModule.default;

function newAjv(): Ajv {
  const ajv = new Ajv({
    // optimize: false halves ajv's compile time; the generated checks are the same.
    code: { source: true, esm: true, lines: true, optimize: false },
    allErrors: true,
    strict: true,
    unicodeRegExp: true,
    // The schemas are generated, not written by users: checking them against the meta-schema
    // would compile the meta-schema for every domain.
    validateSchema: false,
  });
  addEventforgeKeywords(ajv);
  return ajv;
}

/**
 * Indents ajv's output (one statement per line, blocks opened at line ends and closed at line
 * starts) so the checked-in file is readable. Braces inside strings never start or end a line.
 */
export function indentAjvCode(code: string): string {
  let depth = 0;
  return code
    .split('\n')
    .map((raw) => {
      const line = raw.trim();
      if (line.startsWith('}')) depth = Math.max(0, depth - 1);
      const out = line === '' ? '' : '  '.repeat(depth) + line;
      if (line.endsWith('{')) depth++;
      return out;
    })
    .join('\n');
}

function validatorsModule(domain: DomainDef, ctx: EmitContext): string {
  const scope = domainScope(domain);
  const ajv = newAjv();
  for (const vo of domain.valueObjects)
    ajv.addSchema({ $id: valueObjectSchemaId(vo.name), ...objectSchema(vo.fields, scope, false) });
  // Events whose inputs have the same schema share one compiled validator (exported under
  // each event's name: ajv's standalone output would repeat the function for a second name).
  const exports: Record<string, string> = {};
  const aliases: string[] = [];
  const byShape = new Map<string, string>();
  for (const event of validatedEvents(domain)) {
    const schema = objectSchema(event.fields, scope, true);
    const shape = JSON.stringify(schema);
    const name = validatorName(event.name);
    const first = byShape.get(shape);
    if (first !== undefined) {
      aliases.push(`export const ${name} = ${first};`);
      continue;
    }
    byShape.set(shape, name);
    ajv.addSchema({ $id: `/events/${event.topic}`, ...schema });
    exports[name] = `/events/${event.topic}`;
  }
  const code =
    Object.keys(exports).length === 0
      ? ''
      : indentAjvCode(standaloneCode(ajv, exports).replace(/^"use strict";\n/, ''));
  if (/\brequire\(/.test(code)) throw new InternalError('ajv standalone code still requires an ajv module');
  const used = Object.values(RUNTIME_CHECKS).filter((name) => code.includes(runtimeAlias(name)));
  const imports =
    used.length === 0
      ? ''
      : `import { ${used.map((n) => `${n} as ${runtimeAlias(n)}`).join(', ')} } from '${internalImport(ctx)}';\n`;
  const shared = aliases.length === 0 ? '' : `\n${aliases.join('\n')}\n`;
  return `${generatedHeader(domain.sourcePath)}\n// Compiled by ajv (standalone) from each event's input schema; typed by validators.d.ts.\n${imports}${code}\n${shared}`;
}

function declarations(domain: DomainDef, ctx: EmitContext): string {
  const events = validatedEvents(domain);
  const statements = events.map(
    (e): VariableStatementStructure => ({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      isExported: true,
      hasDeclareKeyword: true,
      docs: docs(`Checks the wire form of a \`${e.topic}\` input against the event's declared types and constraints.`),
      declarations: [{ name: validatorName(e.name), type: 'SchemaValidator' }],
    }),
  );
  if (statements.length === 0)
    return printSourceFile(domain.sourcePath, { imports: [], statements: [(w) => w.writeLine('export {};')] });
  const imports = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: internalImport(ctx),
      isTypeOnly: true,
      namedImports: ['SchemaValidator'],
    },
  ] as const;
  return printSourceFile(domain.sourcePath, { imports, statements });
}

export function emitValidatorFiles(domain: DomainDef, ctx: EmitContext): GeneratedFile[] {
  const folder = domainFolder(domain.name);
  return [
    { path: `${folder}/validators.d.ts`, contents: declarations(domain, ctx) },
    { path: `${folder}/validators.js`, contents: validatorsModule(domain, ctx) },
  ];
}

/** Emits `<domain>/validators.js` and its `.d.ts` for every domain. */
export const validatorsEmitter: Emitter = {
  name: 'typescript-validators',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.flatMap((d) => emitValidatorFiles(d, ctx)),
};
