/**
 * `<domain>/transcoders.ts`: one `PayloadCodec` per event and per aggregate state. Encoding
 * writes the current version; decoding reads any known version field by field (no reflection)
 * and runs older ones through the upcasters of `./upcasters.js`.
 */
import type { DomainDef, FieldDef, PayloadVersionDef, ProjectDef } from '../../ir/model.js';
import {
  personalFieldNames,
  personalFieldsLiteral,
  stateWithPersonalInflows,
  type ValueObjects,
} from './personal-code.js';
import { readsAsRedacted } from './type-text.js';
import {
  codecName,
  decodeAtName,
  decoderName,
  domainFolder,
  encoderName,
  enumReaderName,
  enumValuesName,
  eventDataTypeName,
  stateTypeName,
  upcasterName,
  versionedTypeName,
} from '../../ir/naming.js';
import { internalImport, type EmitContext, type Emitter, type GeneratedFile } from '../types.js';
import type { CodeWriter } from './code-writer.js';
import { RuntimeHelpers, helper, isIdentity, readCall, writeExpr } from './codec-code.js';
import { printSourceFile } from './print-structures.js';
import {
  StructureKind,
  VariableDeclarationKind,
  type FunctionDeclarationStructure,
  type ImportDeclarationStructure,
  type ParameterDeclarationStructure,
  type StatementStructure,
  type WriterFunction,
} from './structures.js';
import { quote } from './text.js';

type Statement = StatementStructure | WriterFunction;

/** A module-private function of the transcoders file. */
function functionDeclaration(
  name: string,
  parameters: readonly ParameterDeclarationStructure[],
  returnType: string,
  statements: WriterFunction,
): FunctionDeclarationStructure {
  return { kind: StructureKind.Function, name, parameters, returnType, statements };
}

/** A payload with versions: an event (`Deposited`) or a state (`AccountState`). */
interface Payload {
  readonly name: string;
  readonly topic: string;
  readonly typeName: string;
  readonly version: number;
  readonly versions: readonly PayloadVersionDef[];
  /** The field holding the subject of the personal fields; the aggregate id when absent. */
  readonly subject?: string | undefined;
}

function payloads(domain: DomainDef): Payload[] {
  return domain.aggregates.flatMap((a) => [
    {
      name: stateTypeName(a.name),
      topic: a.topic,
      typeName: stateTypeName(a.name),
      version: a.state.version,
      versions: stateWithPersonalInflows(a).versions,
      subject: a.subject,
    },
    ...a.events.map((e) => ({
      name: e.name,
      topic: e.topic,
      typeName: eventDataTypeName(e.name),
      version: e.version,
      versions: e.versions,
      subject: e.subject,
    })),
  ]);
}

/** Writes a field of `value`; one that may read as Redacted is written as the marker it is. */
function writeField(f: FieldDef, redactable: boolean, helpers: RuntimeHelpers): string {
  const value = `value.${f.name}`;
  if (!redactable || !readsAsRedacted(f) || isIdentity(f.type)) return writeExpr(f.type, value, helpers);
  return `${helper('isRedacted', helpers)}(${value}) ? ${value} : ${writeExpr(f.type, value, helpers)}`;
}

/** Reads a field of `o`; one that may read as Redacted keeps the marker. */
function readField(f: FieldDef, path: string, redactable: boolean, helpers: RuntimeHelpers): string {
  const wire = `o[${quote(f.name)}]`;
  const read = readCall(f.type, wire, 'at', path, quote(f.name), helpers);
  if (!redactable || !readsAsRedacted(f)) return read;
  return `${helper('isRedacted', helpers)}(${wire}) ? ${helper('REDACTED', helpers)} : ${read}`;
}

/**
 * Body of an object encoder: a literal of the required fields, then the present optional ones.
 * `redactable`: the fields of an event or a state (value objects' fields are never redacted alone).
 */
function writeEncodeBody(
  w: CodeWriter,
  fields: readonly FieldDef[],
  helpers: RuntimeHelpers,
  redactable = false,
): void {
  const required = fields.filter((f) => !f.optional);
  const optional = fields.filter((f) => f.optional);
  const literal = required.map((f) => `${f.name}: ${writeField(f, redactable, helpers)},`);
  if (optional.length === 0) {
    writeLiteral(w, 'return ', literal, ';');
    return;
  }
  writeLiteral(w, 'const out: { [key: string]: JsonValue } = ', literal, ';');
  for (const f of optional) {
    w.writeLine(`if (value.${f.name} !== undefined) out[${quote(f.name)}] = ${writeField(f, redactable, helpers)};`);
  }
  w.writeLine('return out;');
}

/** Body of an object decoder reading `o` (already checked to be an object) at path `p`. */
function writeDecodeBody(
  w: CodeWriter,
  typeName: string,
  fields: readonly FieldDef[],
  path: string,
  helpers: RuntimeHelpers,
  redactable = false,
): void {
  const required = fields.filter((f) => !f.optional);
  const optional = fields.filter((f) => f.optional);
  // `o` is an index-signature record: bracket access keeps noPropertyAccessFromIndexSignature happy.
  const literal = required.map((f) => `${f.name}: ${readField(f, path, redactable, helpers)},`);
  if (optional.length === 0) {
    writeLiteral(w, 'return ', literal, ';');
    return;
  }
  helpers.add('Mutable');
  writeLiteral(w, `const value: Mutable<${typeName}> = `, literal, ';');
  for (const f of optional) {
    const read = readField(f, path, redactable, helpers);
    w.writeLine(`if (o[${quote(f.name)}] !== undefined) value.${f.name} = ${read};`);
  }
  w.writeLine('return value;');
}

function writeLiteral(w: CodeWriter, prefix: string, lines: readonly string[], suffix: string): void {
  if (lines.length === 0) {
    w.writeLine(`${prefix}{}${suffix}`);
    return;
  }
  w.writeLine(`${prefix}{`);
  w.indent(() => lines.forEach((line) => w.writeLine(line)));
  w.writeLine(`}${suffix}`);
}

function valueObjectFunctions(domain: DomainDef, helpers: RuntimeHelpers): Statement[] {
  return domain.valueObjects.flatMap((vo): Statement[] => [
    functionDeclaration(encoderName(vo.name), [{ name: 'value', type: vo.name }], 'JsonValue', (w) =>
      writeEncodeBody(w, vo.fields, helpers),
    ),
    functionDeclaration(
      decoderName(vo.name),
      [
        { name: 'data', type: 'unknown' },
        { name: 'at', type: 'DecodeAt' },
        { name: 'path', type: 'string' },
        { name: 'key', type: 'string | number' },
      ],
      vo.name,
      (w) => {
        w.writeLine(`const o = ${helper('readObject', helpers)}(data, at, path, key);`);
        w.writeLine(`const p = ${helper('joinPath', helpers)}(path, key);`);
        writeDecodeBody(w, vo.name, vo.fields, 'p', helpers);
      },
    ),
  ]);
}

/** `{ topic, version }`, and the version's personal fields, whose values decode errors must not show. */
function decodeAtLiteral(topic: string, v: PayloadVersionDef, valueObjects: ValueObjects): string {
  const personal = personalFieldNames(v.fields, valueObjects).map(quote);
  const list = personal.length > 0 ? `, personal: [${personal.join(', ')}]` : '';
  return `{ topic: ${quote(topic)}, version: ${v.version}${list} }`;
}

function payloadStatements(
  payload: Payload,
  helpers: RuntimeHelpers,
  upcasters: Set<string>,
  valueObjects: ValueObjects,
): Statement[] {
  const out: Statement[] = payload.versions.map((v) => ({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: decodeAtName(payload.name, v.version),
        type: 'DecodeAt',
        initializer: decodeAtLiteral(payload.topic, v, valueObjects),
      },
    ],
  }));
  const current = payload.versions[payload.versions.length - 1];
  out.push(
    // An empty payload's encoder never reads its parameter: `_value` keeps noUnusedParameters quiet.
    functionDeclaration(
      encoderName(payload.name),
      [{ name: current?.fields.length ? 'value' : '_value', type: payload.typeName }],
      'JsonValue',
      (w) => writeEncodeBody(w, current?.fields ?? [], helpers, true),
    ),
  );
  for (const v of payload.versions) {
    const typeName = versionedTypeName(payload.name, v.version);
    out.push(
      functionDeclaration(
        decoderName(versionedTypeName(payload.name, v.version)),
        [
          { name: 'data', type: 'unknown' },
          { name: 'at', type: 'DecodeAt' },
        ],
        typeName,
        (w) => {
          // Still checks that the payload is an object, also when it has no fields to read.
          w.writeLine(`${v.fields.length > 0 ? 'const o = ' : ''}${helper('readPayload', helpers)}(data, at);`);
          writeDecodeBody(w, typeName, v.fields, "''", helpers, true);
        },
      ),
    );
  }
  const unknownVersion = helper('unknownVersion', helpers);
  const doc =
    `Transcoder of \`${payload.topic}\`: writes version ${payload.version}` +
    (payload.version > 1 ? `, reads versions 1 to ${payload.version} (older ones through the upcasters).` : '.');
  const decode = (w: CodeWriter): void => {
    w.writeLine('{');
    w.indent(() => {
      w.writeLine(`version: ${payload.version},`);
      w.writeLine(`encode: ${encoderName(payload.name)},`);
      const personal = personalFieldsLiteral(current?.fields ?? [], payload.subject, valueObjects);
      if (personal !== undefined) w.writeLine(`personal: ${personal},`);
      w.writeLine(`decode(data: unknown, version: number): ${payload.typeName} {`);
      w.indent(() => {
        w.writeLine('switch (version) {');
        w.indent(() => {
          for (const v of [...payload.versions].reverse()) {
            let expr = `${decoderName(versionedTypeName(payload.name, v.version))}(data, ${decodeAtName(payload.name, v.version)})`;
            for (let k = v.version; k < payload.version; k++) {
              upcasters.add(upcasterName(payload.name, k));
              expr = `${upcasterName(payload.name, k)}(${expr})`;
            }
            w.writeLine(`case ${v.version}:`).indent(() => w.writeLine(`return ${expr};`));
          }
          w.writeLine('default:').indent(() =>
            w.writeLine(`throw ${unknownVersion}(${quote(payload.topic)}, version, ${payload.version});`),
          );
        });
        w.writeLine('}');
      });
      w.writeLine('},');
    });
    w.write('}');
  };
  out.push({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    docs: [doc],
    declarations: [{ name: codecName(payload.name), type: `PayloadCodec<${payload.typeName}>`, initializer: decode }],
  });
  return out;
}

/** Types from the internal entry; everything else `helpers` records is a function. */
const INTERNAL_TYPES: ReadonlySet<string> = new Set(['Mutable', 'FieldReader']);
/** Helpers applications use too: imported from the public entry. */
const PUBLIC_HELPERS: ReadonlySet<string> = new Set(['REDACTED', 'isRedacted']);

/** Every name a transcoders file declares or imports from its own folder (runtime helpers must not shadow them). */
function namesOfFile(domain: DomainDef, all: readonly Payload[]): string[] {
  return [
    ...domain.enums.flatMap((e) => [e.name, enumReaderName(e.name), enumValuesName(e.name)]),
    ...domain.valueObjects.flatMap((v) => [v.name, encoderName(v.name), decoderName(v.name)]),
    ...all.flatMap((p) => [
      p.typeName,
      encoderName(p.name),
      codecName(p.name),
      ...p.versions.flatMap((v) => [
        versionedTypeName(p.name, v.version),
        decoderName(versionedTypeName(p.name, v.version)),
        decodeAtName(p.name, v.version),
        upcasterName(p.name, v.version),
      ]),
    ]),
  ];
}

export function emitTranscodersFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const upcasters = new Set<string>();
  const valueObjects: ValueObjects = new Map(domain.valueObjects.map((v) => [v.name, v]));
  const all = payloads(domain);
  const helpers = new RuntimeHelpers(namesOfFile(domain, all));
  const enumReaders: Statement[] = domain.enums.map((e) => ({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: enumReaderName(e.name),
        type: `FieldReader<${e.name}>`,
        initializer: `(v, at, p, k) => ${helper('readEnum', helpers)}(v, ${enumValuesName(e.name)}, at, p, k)`,
      },
    ],
  }));
  if (domain.enums.length > 0) helpers.add('FieldReader');
  const body: Statement[] = [
    ...enumReaders,
    ...valueObjectFunctions(domain, helpers),
    ...all.flatMap((p) => payloadStatements(p, helpers, upcasters, valueObjects)),
  ];
  // Imports are computed after the body is printed: its writers fill `helpers` and `upcasters`.
  const imports = (): ImportDeclarationStructure[] => {
    const typeNames = [
      ...domain.valueObjects.map((v) => v.name),
      ...domain.enums.map((e) => e.name),
      ...all.flatMap((p) => [p.typeName, ...p.versions.map((v) => versionedTypeName(p.name, v.version))]),
    ];
    const isType = (name: string): boolean => INTERNAL_TYPES.has(name);
    const internalTypes = ['DecodeAt', ...helpers.specifiers(isType)];
    return [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: ctx.runtimeImport,
        namedImports: helpers.specifiers((name) => PUBLIC_HELPERS.has(name)).sort(),
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: internalImport(ctx),
        namedImports: helpers.specifiers((name) => !isType(name) && !PUBLIC_HELPERS.has(name)).sort(),
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: ctx.runtimeImport,
        isTypeOnly: true,
        namedImports: ['JsonValue', 'PayloadCodec'],
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: internalImport(ctx),
        isTypeOnly: true,
        namedImports: internalTypes,
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: './types.js',
        namedImports: domain.enums.map((e) => enumValuesName(e.name)),
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: './types.js',
        isTypeOnly: true,
        namedImports: typeNames,
      },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: './upcasters.js', namedImports: upcasters },
    ];
  };
  return {
    path: `${domainFolder(domain.name)}/transcoders.ts`,
    contents: printSourceFile(domain.sourcePath, { imports, statements: body }),
  };
}

/** Emits `<domain>/transcoders.ts` for every domain. */
export const transcodersEmitter: Emitter = {
  name: 'typescript-transcoders',
  emit: (project: ProjectDef, ctx: EmitContext) => project.domains.map((d) => emitTranscodersFile(d, ctx)),
};
