/**
 * Renders generated/<domain>/upcasters.ts: one function per upcast step of every event and
 * aggregate state, `upcastXVk(previous: XVk): XVk+1`, written as a single object literal so
 * an upcast costs one allocation.
 */
import { posix } from 'node:path';
import {
  IndentationText,
  Project,
  QuoteKind,
  StructureKind,
  VariableDeclarationKind,
  type StatementStructures,
  type WriterFunction,
} from 'ts-morph';
import { InternalError } from '../../diagnostics.js';
import type { DomainDef, FieldDef, PayloadVersionDef, UpcastStepDef } from '../../ir/model.js';
import { camelCase, pascalCase, upcasterName, versionedTypeName } from '../../ir/naming.js';
import { generatedHeader, type EmitContext } from '../types.js';
import { literalExpression, type LiteralContext } from './literal.js';

/** One versioned payload of a domain: an event (`Deposited`) or a state (`AccountState`). */
export interface VersionedPayload {
  /** Type name stem: `Deposited`, `AccountState`. */
  readonly name: string;
  /** For comments: `event Account.Deposited`, `state of Account`. */
  readonly label: string;
  readonly versions: readonly PayloadVersionDef[];
}

/** Name of the module-level constant that pins a custom function to its signature. */
function checkedFunctionName(payload: string, step: UpcastStepDef, field: string): string {
  return `${camelCase(payload)}V${step.from}${pascalCase(field)}`;
}

/** Import specifier of the domain's hand-written upcasters module, seen from `<out>/<domain>/upcasters.ts`. */
export function customModuleSpecifier(domain: DomainDef, ctx: EmitContext): string {
  if (domain.upcastersModule === undefined) {
    throw new InternalError(`domain ${domain.name} uses custom upcasters but declares no upcasters module`);
  }
  const schemaDir = posix.dirname(domain.sourcePath);
  const target = posix.normalize(posix.join('..', ctx.outToCwd, schemaDir, domain.upcastersModule));
  const withJs = target.replace(/\.(c|m)?tsx?$/, (ext) => ext.replace('ts', 'js').replace('x', ''));
  return withJs.startsWith('.') ? withJs : `./${withJs}`;
}

/** The source text of the upcasters file of `domain`, or undefined when nothing in it has history. */
export function renderUpcasters(domain: DomainDef, payloads: readonly VersionedPayload[], ctx: EmitContext): string | undefined {
  const steps = payloads.flatMap((p) =>
    p.versions.flatMap((v, i) => (v.upcast === undefined ? [] : [{ payload: p, to: nextVersion(p, i), step: v.upcast }])),
  );
  if (steps.length === 0) return undefined;

  const literals: LiteralContext = {
    valueObjects: new Map(domain.valueObjects.map((vo) => [vo.name, vo] as const)),
    usesDecimal: false,
  };
  const typeNames = new Set<string>();
  const checks: StatementStructures[] = [];
  const functions: StatementStructures[] = [];
  for (const { payload, to, step } of steps) {
    const fromType = versionedTypeName(payload.name, step.from);
    const toType = versionedTypeName(payload.name, step.to);
    typeNames.add(fromType).add(toType);
    const toFields = new Map(to.fields.map((f) => [f.name, f] as const));
    const properties: string[] = [];
    const dropped: string[] = [];
    for (const op of step.ops) {
      switch (op.kind) {
        case 'keep':
          properties.push(`${op.field}: previous.${op.field},`);
          break;
        case 'rename':
          properties.push(`${op.field}: previous.${op.from},`);
          break;
        case 'add':
          if (op.default !== undefined) {
            properties.push(`${op.field}: ${literalExpression(op.default, fieldOf(toFields, op.field).type, literals)},`);
          }
          break;
        case 'custom': {
          const checked = checkedFunctionName(payload.name, step, op.field);
          checks.push({
            kind: StructureKind.VariableStatement,
            declarationKind: VariableDeclarationKind.Const,
            declarations: [
              {
                name: checked,
                type: `(previous: ${fromType}) => ${toType}['${op.field}']`,
                initializer: `custom.${op.functionName}`,
              },
            ],
          });
          properties.push(`${op.field}: ${checked}(previous),`);
          break;
        }
        case 'drop':
          dropped.push(op.field);
          break;
      }
    }
    functions.push({
      kind: StructureKind.Function,
      isExported: true,
      name: upcasterName(payload.name, step.from),
      docs: [`${capitalize(payload.label)}: version ${step.from} → ${step.to}.${describeStep(step)}`],
      parameters: [{ name: 'previous', type: fromType }],
      returnType: toType,
      statements: [...(dropped.length === 0 ? [] : [`// dropped: ${dropped.join(', ')}`]), returnObject(properties)],
    });
  }

  const statements: StatementStructures[] = [];
  if (literals.usesDecimal) {
    // As the other generated files do: decimal.js is the runtime's exact-decimal type.
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: 'decimal.js', namedImports: ['Decimal'] });
  }
  if (checks.length > 0) {
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: customModuleSpecifier(domain, ctx), namespaceImport: 'custom' });
  }
  statements.push({
    kind: StructureKind.ImportDeclaration,
    isTypeOnly: true,
    moduleSpecifier: './types.js',
    namedImports: [...typeNames].sort(),
  });
  if (checks.length > 0) {
    checks[0] = {
      ...checks[0]!,
      leadingTrivia: '\n// The hand-written upcasters, pinned to their generated signatures: tsc fails here if one is missing or mistyped.\n',
    } as StatementStructures;
  }
  statements.push(...checks, ...functions);

  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  const file = project.createSourceFile('upcasters.ts', {
    leadingTrivia:
      `${generatedHeader(domain.sourcePath)}\n` +
      `/**\n * Upcasters of the ${domain.name} domain: each takes a stored payload of one version to the next.\n` +
      ' * The transcoders chain them, so old events and snapshots decode as the current version.\n */\n',
    statements,
  });
  return file.getFullText();
}

function returnObject(properties: readonly string[]): WriterFunction {
  return (writer) => {
    if (properties.length === 0) {
      writer.writeLine('return {};');
      return;
    }
    writer.writeLine('return {');
    writer.indent(() => {
      for (const property of properties) writer.writeLine(property);
    });
    writer.writeLine('};');
  };
}

function nextVersion(payload: VersionedPayload, index: number): PayloadVersionDef {
  const next = payload.versions[index + 1];
  if (next === undefined) throw new InternalError(`${payload.label} v${index + 1} has an upcast step but no next version`);
  return next;
}

function fieldOf(fields: ReadonlyMap<string, FieldDef>, name: string): FieldDef {
  const field = fields.get(name);
  if (field === undefined) throw new InternalError(`upcast op names field ${name}, absent from the next version`);
  return field;
}

/** ` Renames sum to amount; drops channel.` — what the step does besides copying. */
function describeStep(step: UpcastStepDef): string {
  const parts: string[] = [];
  for (const op of step.ops) {
    if (op.kind === 'rename') parts.push(`renames ${op.from} to ${op.field}`);
    else if (op.kind === 'add') parts.push(op.default === undefined ? `adds ${op.field} (absent)` : `adds ${op.field} (default)`);
    else if (op.kind === 'custom') parts.push(`computes ${op.field} with ${op.functionName}`);
    else if (op.kind === 'drop') parts.push(`drops ${op.field}`);
  }
  return parts.length === 0 ? ' Copies every field.' : ` ${capitalize(parts.join('; '))}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
