/**
 * Derives the upcast step between two consecutive versions of a payload (an event's data or an
 * aggregate's state), field by field, and reports every change that cannot be upcast
 * automatically. The rules are those of docs/versioning.md:
 *
 * | field in version k+1                                   | op                         |
 * | ------------------------------------------------------ | -------------------------- |
 * | declared `using: fn`                                   | custom                     |
 * | declared `rename: old` (old in k, same or wider type)  | rename                     |
 * | same name in k, same type or a known-safe widening     | keep                       |
 * | not in k, optional / with a default / a list or map    | add (absent, default, []/{}) |
 * | anything else                                          | error EF320 or EF321       |
 *
 * Fields of version k that k+1 no longer has (and that no rename consumes) are dropped.
 */
import type { Diagnostic, Position } from '../diagnostics.js';
import { didYouMean } from '../did-you-mean.js';
import type { EnumDef, FieldDef, JsonValue, SourceSpan, TypeRef, UpcastOpDef, UpcastStepDef } from './model.js';

/** One entry of `upcast:` under `history <k>`: how field `field` of version k+1 gets its value. */
export interface UpcastDeclaration {
  readonly field: string;
  readonly rename?: string;
  readonly using?: string;
  readonly span: SourceSpan;
}

/** One step to derive: the payload's fields at versions k and k+1 and the `upcast:` entries of history k. */
export interface DeriveUpcastInput {
  /** The schema file, for diagnostics. */
  readonly file: string;
  /** For messages: 'event Dog.TrickAdded' or 'state of Account'. */
  readonly payload: string;
  readonly from: { readonly version: number; readonly fields: readonly FieldDef[]; readonly span: SourceSpan };
  readonly to: { readonly version: number; readonly fields: readonly FieldDef[]; readonly span: SourceSpan };
  /** The `upcast:` entries under history <from>. */
  readonly declarations: readonly UpcastDeclaration[];
  /** The domain's enums, to tell a widening enum change from a narrowing one. */
  readonly enums: ReadonlyMap<string, EnumDef>;
}

/** Diagnostic codes raised here (documented in docs/errors.md). */
export const UpcastCodes = {
  typeChanged: 'EF320',
  requiredAdded: 'EF321',
  unknownTarget: 'EF322',
  renameAndUsing: 'EF323',
  emptyDeclaration: 'EF324',
  renameSourceMissing: 'EF325',
  renameChangesType: 'EF326',
  badFunctionName: 'EF327',
  renameToItself: 'EF328',
  duplicateDeclaration: 'EF329',
} as const;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Derives the step `from.version → to.version`. Always returns a step (ops for the fields that
 * could be derived); `diagnostics` holds an error per field that could not.
 */
export function deriveUpcastStep(input: DeriveUpcastInput): { step: UpcastStepDef; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fromByName = new Map(input.from.fields.map((f) => [f.name, f] as const));
  const toByName = new Map(input.to.fields.map((f) => [f.name, f] as const));
  const k = input.from.version;
  const k1 = input.to.version;
  const error = (code: string, span: SourceSpan, length: number, message: string, hint?: string): void => {
    diagnostics.push(makeDiagnostic(input.file, code, span, length, `${input.payload} v${k}→v${k1}: ${message}`, hint));
  };

  const declarations = new Map<string, UpcastDeclaration>();
  for (const d of input.declarations) {
    if (declarations.has(d.field)) {
      error(
        UpcastCodes.duplicateDeclaration,
        d.span,
        d.field.length,
        `field "${d.field}" is declared twice under upcast`,
        'keep one declaration per field',
      );
      continue;
    }
    declarations.set(d.field, d);
    if (!toByName.has(d.field)) {
      error(
        UpcastCodes.unknownTarget,
        d.span,
        d.field.length,
        `upcast names field "${d.field}", which version ${k1} does not have`,
        unknownTargetHint(d, k, fromByName, toByName),
      );
    }
  }

  const ops: UpcastOpDef[] = [];
  const renamedFrom = new Set<string>();
  const declaredSources = new Set(input.declarations.flatMap((d) => (d.rename === undefined ? [] : [d.rename])));
  for (const field of input.to.fields) {
    const declared = declarations.get(field.name);
    if (declared !== undefined) {
      const op = declaredOp(declared, field);
      if (op !== undefined) {
        ops.push(op);
        if (op.kind === 'rename') renamedFrom.add(op.from);
      }
      continue;
    }
    const previous = fromByName.get(field.name);
    if (previous !== undefined) {
      const problem = widenProblem(previous, field, input.enums);
      if (problem === undefined) {
        ops.push({ kind: 'keep', field: field.name });
      } else {
        error(
          UpcastCodes.typeChanged,
          field.span,
          field.name.length,
          `field "${field.name}" ${problem}, and no upcaster says how to convert it`,
          usingHint(k, field.name),
        );
      }
      continue;
    }
    const fill = automaticFill(field);
    if (fill !== undefined) {
      ops.push(fill);
    } else {
      // A field of version k that is gone and fits is most likely this one, renamed.
      const likelySource = input.from.fields.find(
        (f) =>
          !toByName.has(f.name) && !declaredSources.has(f.name) && widenProblem(f, field, input.enums) === undefined,
      );
      const otherwise = `${usingHint(k, field.name)}; or make it optional (${typeText(field.type)}?) or give it a default`;
      error(
        UpcastCodes.requiredAdded,
        field.span,
        field.name.length,
        `field "${field.name}" is new in version ${k1}, required and has no default, so old payloads have no value for it`,
        likelySource === undefined
          ? otherwise
          : `if it is "${likelySource.name}" renamed: add under history ${k}: upcast: { ${field.name}: { rename: ${likelySource.name} } }; otherwise ${otherwise}`,
      );
    }
  }
  for (const previous of input.from.fields) {
    if (!toByName.has(previous.name) && !renamedFrom.has(previous.name)) {
      ops.push({ kind: 'drop', field: previous.name });
    }
  }
  ops.sort(compareOps);
  return { step: { kind: 'upcastStep', from: k, to: k1, ops }, diagnostics };

  function declaredOp(d: UpcastDeclaration, field: FieldDef): UpcastOpDef | undefined {
    if (d.rename !== undefined && d.using !== undefined) {
      error(
        UpcastCodes.renameAndUsing,
        d.span,
        d.field.length,
        `field "${d.field}" declares both rename and using`,
        `keep one: a \`using\` function receives the whole version ${k} payload, so it can read "${d.rename}" itself`,
      );
      return undefined;
    }
    if (d.using !== undefined) {
      if (!IDENTIFIER.test(d.using)) {
        error(
          UpcastCodes.badFunctionName,
          d.span,
          d.field.length,
          `"${d.using}" is not a function name`,
          `name a function exported by the domain's upcasters module, e.g. \`${d.field}: { using: ${suggestFunction(d.field, k)} }\``,
        );
        return undefined;
      }
      return { kind: 'custom', field: d.field, functionName: d.using };
    }
    if (d.rename !== undefined) {
      if (d.rename === d.field) {
        error(
          UpcastCodes.renameToItself,
          d.span,
          d.field.length,
          `field "${d.field}" is renamed to itself`,
          'remove the declaration: a field with the same name and type is copied automatically',
        );
        return undefined;
      }
      const source = fromByName.get(d.rename);
      if (source === undefined) {
        error(
          UpcastCodes.renameSourceMissing,
          d.span,
          d.field.length,
          `field "${d.field}" is renamed from "${d.rename}", which version ${k} does not have`,
          renameSourceHint(k, d.rename, input.from.fields, toByName),
        );
        return undefined;
      }
      const problem = widenProblem(source, field, input.enums);
      if (problem !== undefined) {
        error(
          UpcastCodes.renameChangesType,
          d.span,
          d.field.length,
          `field "${d.field}" is renamed from "${d.rename}" but ${problem.replace(/^changes/, 'its type changes')}`,
          `replace the rename with \`${d.field}: { using: <function> }\` under history ${k}; the function reads previous.${d.rename}`,
        );
        return undefined;
      }
      return { kind: 'rename', field: d.field, from: d.rename };
    }
    error(
      UpcastCodes.emptyDeclaration,
      d.span,
      d.field.length,
      `the upcast of field "${d.field}" says neither rename nor using`,
      `write \`${d.field}: { rename: <old field> }\` or \`${d.field}: { using: <function> }\``,
    );
    return undefined;
  }
}

/** `add` for a new field that old payloads can do without; undefined when it needs an upcaster. */
function automaticFill(field: FieldDef): UpcastOpDef | undefined {
  if (field.default !== undefined) return { kind: 'add', field: field.name, default: field.default };
  if (field.optional) return { kind: 'add', field: field.name };
  // Lists and maps start empty, as they do in state (docs/language.md): an old payload had none.
  if (field.type.kind === 'list') return { kind: 'add', field: field.name, default: [] as JsonValue };
  if (field.type.kind === 'map') return { kind: 'add', field: field.name, default: {} as JsonValue };
  return undefined;
}

/**
 * Why a value of `previous` cannot be copied as-is into `next`; undefined when it can: same type,
 * or a known-safe widening whose TypeScript and wire forms are unchanged (required → optional,
 * int → float, uuid/date/enum → string, enum → an enum holding all its values, and lists/maps
 * of those). Constraints are not compared: they guard new payloads; stored facts are not re-validated.
 */
export function widenProblem(
  previous: FieldDef,
  next: FieldDef,
  enums: ReadonlyMap<string, EnumDef>,
): string | undefined {
  const typeProblem = typeWidenProblem(previous.type, next.type, enums);
  if (typeProblem !== undefined) {
    return `changes from ${fieldTypeText(previous)} to ${fieldTypeText(next)}${typeProblem === '' ? '' : ` (${typeProblem})`}`;
  }
  if (previous.optional && !next.optional) {
    return `changes from ${fieldTypeText(previous)} to ${fieldTypeText(next)} (it becomes required, and old payloads may lack it)`;
  }
  return undefined;
}

/** undefined: `from` widens to `to`; '' : incompatible; other text: the specific reason. */
function typeWidenProblem(from: TypeRef, to: TypeRef, enums: ReadonlyMap<string, EnumDef>): string | undefined {
  switch (to.kind) {
    case 'scalar':
      if (from.kind === 'scalar') {
        if (from.scalar === to.scalar) return undefined;
        if (from.scalar === 'int' && to.scalar === 'float') return undefined;
        if ((from.scalar === 'uuid' || from.scalar === 'date') && to.scalar === 'string') return undefined;
        return '';
      }
      if (from.kind === 'enum' && to.scalar === 'string') return undefined;
      return '';
    case 'enum': {
      if (from.kind !== 'enum') return '';
      if (from.name === to.name) return undefined;
      const fromValues = enums.get(from.name)?.values ?? [];
      const toValues = new Set(enums.get(to.name)?.values ?? []);
      const missing = fromValues.filter((v) => !toValues.has(v));
      return missing.length === 0 ? undefined : `${to.name} lacks ${missing.map((v) => `"${v}"`).join(', ')}`;
    }
    case 'valueObject':
      return from.kind === 'valueObject' && from.name === to.name ? undefined : '';
    case 'list':
      return from.kind === 'list' ? typeWidenProblem(from.element, to.element, enums) : '';
    case 'map':
      return from.kind === 'map' ? typeWidenProblem(from.value, to.value, enums) : '';
  }
}

/** A type as written in the schema: `Trick[]`, `map<decimal>`. */
export function typeText(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      return type.scalar;
    case 'enum':
    case 'valueObject':
      return type.name;
    case 'list':
      return `${typeText(type.element)}[]`;
    case 'map':
      return `map<${typeText(type.value)}>`;
  }
}

function fieldTypeText(field: FieldDef): string {
  return typeText(field.type) + (field.optional ? '?' : '');
}

function usingHint(k: number, field: string): string {
  return `add under history ${k}: upcast: { ${field}: { using: <function> } }`;
}

function suggestFunction(field: string, k: number): string {
  return `${field}FromV${k}`;
}

function unknownTargetHint(
  d: UpcastDeclaration,
  k: number,
  from: ReadonlyMap<string, FieldDef>,
  to: ReadonlyMap<string, FieldDef>,
): string {
  const newFields = [...to.keys()].filter((name) => !from.has(name));
  if (d.rename !== undefined && to.has(d.rename) && from.has(d.field)) {
    // `holder: { rename: owner }` written backwards.
    return `the key is the field's name in version ${k + 1}: write \`${d.rename}: { rename: ${d.field} }\``;
  }
  const listed =
    newFields.length > 0
      ? `upcast keys are fields of version ${k + 1}; its new fields are ${newFields.map((n) => `"${n}"`).join(', ')}`
      : `upcast keys are fields of version ${k + 1}: ${[...to.keys()].map((n) => `"${n}"`).join(', ')}`;
  return withDidYouMean(d.field, to.keys(), listed);
}

function renameSourceHint(
  k: number,
  renamedFrom: string,
  fromFields: readonly FieldDef[],
  to: ReadonlyMap<string, FieldDef>,
): string {
  const gone = fromFields.filter((f) => !to.has(f.name)).map((f) => `"${f.name}"`);
  const listed =
    gone.length > 0
      ? `fields of version ${k} that the next version no longer has: ${gone.join(', ')}`
      : `version ${k} has ${fromFields.map((f) => `"${f.name}"`).join(', ') || 'no fields'}`;
  return withDidYouMean(
    renamedFrom,
    fromFields.map((f) => f.name),
    listed,
  );
}

/** `did you mean "x"? <hint>` when a field name is close to the one written. */
function withDidYouMean(written: string, candidates: Iterable<string>, hint: string): string {
  const suggestion = didYouMean(written, candidates);
  return suggestion === undefined ? hint : `${suggestion} ${hint}`;
}

function compareOps(a: UpcastOpDef, b: UpcastOpDef): number {
  const aDrop = a.kind === 'drop' ? 1 : 0;
  const bDrop = b.kind === 'drop' ? 1 : 0;
  if (aDrop !== bDrop) return aDrop - bDrop;
  return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
}

function makeDiagnostic(
  file: string,
  code: string,
  span: SourceSpan,
  length: number,
  message: string,
  hint: string | undefined,
): Diagnostic {
  const start: Position = { line: span.line, column: span.column, offset: span.offset };
  const end: Position = { line: span.line, column: span.column + length, offset: span.offset + length };
  return hint === undefined
    ? { code, severity: 'error', message, file, span: { start, end } }
    : { code, severity: 'error', message, file, span: { start, end }, hint };
}
