/**
 * `<domain>/upcasters.ts`: one function per upcast step of every event and aggregate state,
 * `upcastXVk(previous: XVk): XVk+1`, written as a single object literal so an upcast costs one
 * allocation. Domains without any earlier version get no file.
 */
import { posix } from 'node:path';
import { InternalError } from '../../diagnostics.js';
import { typeText } from '../../ir/derive-upcast.js';
import type {
  ConstraintsDef,
  DomainDef,
  FieldDef,
  PayloadVersionDef,
  UpcastOpDef,
  UpcastStepDef,
} from '../../ir/model.js';
import type { ProjectDef } from '../../ir/model.js';
import {
  checkedUpcasterName,
  customUpcasterSignature,
  domainFolder,
  stateTypeName,
  upcasterName,
  versionedTypeName,
} from '../../ir/naming.js';
import { internalImport, type EmitContext, type Emitter, type GeneratedFile } from '../types.js';
import type { CodeWriter } from './code-writer.js';
import { printSourceFile, writeJsDoc } from './print-structures.js';
import {
  StructureKind,
  VariableDeclarationKind,
  type FunctionDeclarationStructure,
  type ImportDeclarationStructure,
  type VariableStatementStructure,
  type WriterFunction,
} from './structures.js';
import { domainScope, literal, type LiteralNeeds } from './type-text.js';

/** Emits `<domain>/upcasters.ts` for every domain that has history. */
export const upcastersEmitter: Emitter = {
  name: 'upcasters',
  emit(project: ProjectDef, ctx: EmitContext): GeneratedFile[] {
    const files: GeneratedFile[] = [];
    for (const domain of project.domains) {
      const payloads: VersionedPayload[] = domain.aggregates.flatMap((aggregate) => [
        {
          name: stateTypeName(aggregate.name),
          label: `state of ${aggregate.name}`,
          versions: aggregate.state.versions,
        },
        ...aggregate.events.map((event) => ({
          name: event.name,
          label: `event ${aggregate.name}.${event.name}`,
          versions: event.versions,
        })),
      ]);
      const contents = renderUpcasters(domain, payloads, ctx);
      if (contents !== undefined) files.push({ path: `${domainFolder(domain.name)}/upcasters.ts`, contents });
    }
    return files;
  },
};

/** One versioned payload of a domain: an event (`Deposited`) or a state (`AccountState`). */
export interface VersionedPayload {
  /** Type name stem: `Deposited`, `AccountState`. */
  readonly name: string;
  /** For comments: `event Account.Deposited`, `state of Account`. */
  readonly label: string;
  readonly versions: readonly PayloadVersionDef[];
}

/** Import specifier of the domain's hand-written upcasters module, seen from `<out>/<domain>/upcasters.ts`. */
function customModuleSpecifier(domain: DomainDef, ctx: EmitContext): string {
  if (domain.upcastersModule === undefined) {
    throw new InternalError(`domain ${domain.name} uses custom upcasters but declares no upcasters module`);
  }
  const schemaDir = posix.dirname(domain.sourcePath);
  const target = posix.normalize(posix.join('..', ctx.outToCwd, schemaDir, domain.upcastersModule));
  const withJs = target.replace(/\.(c|m)?tsx?$/, (ext) => ext.replace('ts', 'js').replace('x', ''));
  return withJs.startsWith('.') ? withJs : `./${withJs}`;
}

/** The source text of the upcasters file of `domain`, or undefined when nothing in it has history. */
function renderUpcasters(
  domain: DomainDef,
  payloads: readonly VersionedPayload[],
  ctx: EmitContext,
): string | undefined {
  const steps = payloads.flatMap((p) =>
    p.versions.flatMap((v, i) =>
      v.upcast === undefined ? [] : [{ payload: p, from: v, to: nextVersion(p, i), step: v.upcast }],
    ),
  );
  if (steps.length === 0) return undefined;

  const scope = domainScope(domain);
  const needs: LiteralNeeds = { decimal: false, decodeBase64: false };
  const typeNames = new Set<string>();
  const checks: VariableStatementStructure[] = [];
  const functions: FunctionDeclarationStructure[] = [];
  let usesMutable = false;
  for (const { payload, from, to, step } of steps) {
    const fromType = versionedTypeName(payload.name, step.from);
    const toType = versionedTypeName(payload.name, step.to);
    typeNames.add(fromType).add(toType);
    const fromFields = new Map(from.fields.map((f) => [f.name, f] as const));
    const toFields = new Map(to.fields.map((f) => [f.name, f] as const));
    // Required values go in the object literal; values that may be undefined are set only when
    // present, so an absent optional field stays absent (as the decoders and triggers leave it).
    const properties: string[] = [];
    const optionals: { readonly field: string; readonly value: string }[] = [];
    const put = (field: string, value: string, mayBeUndefined: boolean): void => {
      if (mayBeUndefined) optionals.push({ field, value });
      else properties.push(`${field}: ${value},`);
    };
    for (const op of step.ops) {
      switch (op.kind) {
        case 'keep':
          put(op.field, `previous.${op.field}`, fieldOf(fromFields, op.field).optional);
          break;
        case 'rename':
          put(op.field, `previous.${op.from}`, fieldOf(fromFields, op.from).optional);
          break;
        case 'add':
          if (op.default !== undefined) {
            put(op.field, literal(fieldOf(toFields, op.field).type, op.default, scope, needs), false);
          }
          break;
        case 'custom': {
          const checked = checkedUpcasterName(payload.name, step.from, op.field);
          checks.push({
            kind: StructureKind.VariableStatement,
            declarationKind: VariableDeclarationKind.Const,
            declarations: [
              {
                name: checked,
                type: customUpcasterSignature(payload.name, step.from, step.to, op.field),
                initializer: `custom.${op.functionName}`,
              },
            ],
          });
          put(op.field, `${checked}(previous)`, fieldOf(toFields, op.field).optional);
          break;
        }
        case 'drop':
          break; // the new object simply lacks it
      }
    }
    if (optionals.length > 0) usesMutable = true;
    const docs = [
      `${capitalize(payload.label)}: version ${step.from} → ${step.to}.`,
      ...describeStep(step, fromFields, toFields).map((line) => `- ${line}`),
    ];
    const write = body(toType, properties, optionals);
    functions.push({
      kind: StructureKind.Function,
      name: upcasterName(payload.name, step.from),
      isExported: true,
      docs: [docs.join('\n')],
      parameters: [{ name: 'previous', type: fromType }],
      returnType: toType,
      statements: write,
    });
  }

  const imports: ImportDeclarationStructure[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: internalImport(ctx),
      namedImports: needs.decodeBase64 ? ['decodeBase64'] : [],
    },
    // As the other generated files do: the runtime re-exports decimal.js's Decimal.
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: ctx.runtimeImport,
      namedImports: needs.decimal ? ['Decimal'] : [],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: internalImport(ctx),
      isTypeOnly: true,
      namedImports: usesMutable ? ['Mutable'] : [],
    },
    ...(checks.length === 0
      ? []
      : [
          {
            kind: StructureKind.ImportDeclaration,
            moduleSpecifier: customModuleSpecifier(domain, ctx),
            namespaceImport: 'custom',
          } as const,
        ]),
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: './types.js', isTypeOnly: true, namedImports: typeNames },
  ];
  const pinned: WriterFunction = (w) =>
    w.writeLine(
      '// The hand-written upcasters, pinned to their generated signatures: tsc fails here if one is missing or mistyped.',
    );
  const leadingTrivia: WriterFunction = (w) =>
    writeJsDoc(w, [
      `Upcasters of the ${domain.name} domain: each takes a stored payload of one version to the next.\n` +
        'The transcoders chain them, so old events and snapshots decode as the current version.',
    ]);
  const statements = [...(checks.length === 0 ? [] : [pinned, ...checks]), ...functions];
  return printSourceFile(domain.sourcePath, { leadingTrivia, imports, statements });
}

/** `return { … };`, or with optional values: build, set the present ones, return. */
function body(
  toType: string,
  properties: readonly string[],
  optionals: readonly { readonly field: string; readonly value: string }[],
): WriterFunction {
  return (writer) => {
    const literal = (open: string): void => {
      if (properties.length === 0) {
        writer.writeLine(`${open}{};`);
        return;
      }
      writer.writeLine(`${open}{`);
      writer.indent(() => {
        for (const property of properties) writer.writeLine(property);
      });
      writer.writeLine('};');
    };
    if (optionals.length === 0) {
      literal('return ');
      return;
    }
    literal(`const next: Mutable<${toType}> = `);
    optionals.forEach(({ field, value }, i) => {
      // A plain read is cheap to repeat; a custom function is called once.
      if (value.startsWith('previous.')) {
        writer.writeLine(`if (${value} !== undefined) next.${field} = ${value};`);
      } else {
        writer.writeLine(`const value${i} = ${value};`);
        writer.writeLine(`if (value${i} !== undefined) next.${field} = value${i};`);
      }
    });
    writer.writeLine('return next;');
  };
}

function nextVersion(payload: VersionedPayload, index: number): PayloadVersionDef {
  const next = payload.versions[index + 1];
  if (next === undefined)
    throw new InternalError(`${payload.label} v${index + 1} has an upcast step but no next version`);
  return next;
}

function fieldOf(fields: ReadonlyMap<string, FieldDef>, name: string): FieldDef {
  const field = fields.get(name);
  if (field === undefined) throw new InternalError(`upcast op names field ${name}, absent from the next version`);
  return field;
}

/** What the step does besides copying, one line each: `renames sum to amount`, `drops channel`. */
function describeStep(
  step: UpcastStepDef,
  from: ReadonlyMap<string, FieldDef>,
  to: ReadonlyMap<string, FieldDef>,
): string[] {
  const names = (kind: UpcastOpDef['kind'], filter: (op: UpcastOpDef) => boolean = () => true): string =>
    step.ops
      .filter((op) => op.kind === kind && filter(op))
      .map((op) => op.field)
      .join(', ');
  const parts = [
    ...step.ops.flatMap((op) => (op.kind === 'rename' ? [`renames ${op.from} to ${op.field}`] : [])),
    ...step.ops.flatMap((op) => (op.kind === 'custom' ? [`computes ${op.field} with ${op.functionName}`] : [])),
    ...listed(
      'fills',
      names('add', (op) => op.kind === 'add' && op.default !== undefined),
      'with {its|their} default{|s}',
    ),
    ...listed(
      'leaves',
      names('add', (op) => op.kind === 'add' && op.default === undefined),
      'absent',
    ),
    ...listed('drops', names('drop'), ''),
    ...step.ops.flatMap((op) => {
      if (op.kind !== 'keep' && op.kind !== 'rename') return [];
      const before = from.get(op.kind === 'keep' ? op.field : op.from);
      const after = to.get(op.field);
      if (before === undefined || after === undefined) return [];
      const widened =
        fieldText(before) === fieldText(after)
          ? []
          : [`widens ${op.field} from ${fieldText(before)} to ${fieldText(after)}`];
      const changed = constraintChanges(before.constraints, after.constraints);
      // Constraints guard new payloads; stored ones are read as written (docs/versioning.md).
      return [
        ...widened,
        ...(changed === ''
          ? []
          : [`changes constraints of ${op.field}: ${changed} (stored values are read as written, not re-checked)`]),
      ];
    }),
  ];
  return parts.length === 0 ? ['copies every field'] : parts;
}

const CONSTRAINT_KEYS = ['minLength', 'maxLength', 'pattern', 'min', 'max'] as const;

/** `min none → 0.01, maxLength none → 140`; '' when the constraints are the same. */
function constraintChanges(before: ConstraintsDef, after: ConstraintsDef): string {
  const text = (c: ConstraintsDef, key: (typeof CONSTRAINT_KEYS)[number]): string => {
    const value = key === 'min' ? (c.minText ?? c.min) : key === 'max' ? (c.maxText ?? c.max) : c[key];
    return value === undefined ? 'none' : String(value);
  };
  return CONSTRAINT_KEYS.filter((k) => text(before, k) !== text(after, k))
    .map((k) => `${k} ${text(before, k)} → ${text(after, k)}`)
    .join(', ');
}

function fieldText(field: FieldDef): string {
  return typeText(field.type) + (field.optional ? '?' : '');
}

/** `fills a, b with their defaults`; `{one|many}` in `tail` picks by the number of fields. */
function listed(verb: string, fields: string, tail: string): string[] {
  if (fields === '') return [];
  const many = fields.includes(', ');
  const text = tail.replace(/\{([^|}]*)\|([^}]*)\}/g, (_, one: string, several: string) => (many ? several : one));
  return [`${verb} ${fields}${text === '' ? '' : ` ${text}`}`];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
