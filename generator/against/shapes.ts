/**
 * Whether data stored with a released field's type still reads with the type the field has
 * now. Enums and value objects have no versions, so they are compared by what stored data
 * holds (enum values, value-object fields), not by name: a released version may move to an
 * enum or value object of another name that reads the same data.
 */
import { typeText, widenProblem } from '../ir/derive-upcast.js';
import type { EnumDef, FieldDef, SourceSpan, TypeRef, ValueObjectDef } from '../ir/model.js';

/** The named types of one revision of a domain. */
export interface TypeScope {
  readonly enums: ReadonlyMap<string, EnumDef>;
  readonly valueObjects: ReadonlyMap<string, ValueObjectDef>;
}

/** The enums and value objects of one revision of a domain, by name. */
export function typeScope(domain: {
  readonly enums: readonly EnumDef[];
  readonly valueObjects: readonly ValueObjectDef[];
}): TypeScope {
  return {
    enums: new Map(domain.enums.map((e) => [e.name, e] as const)),
    valueObjects: new Map(domain.valueObjects.map((v) => [v.name, v] as const)),
  };
}

/**
 * - `edited`: the type itself changed (reported on the field);
 * - `enum`: an enum lost values stored data may hold (reported on the enum);
 * - `valueObject`: a value object changed in a way stored values do not survive (reported on it).
 * `key` identifies the problem, so one shared type is reported once however many fields use it.
 */
export interface ShapeProblem {
  readonly kind: 'edited' | 'enum' | 'valueObject';
  readonly key: string;
  readonly span?: SourceSpan;
  readonly length: number;
  readonly message: string;
  /** A fix specific to this problem, when there is a simpler one than a new type. */
  readonly hint?: string;
}

/**
 * Problems reading data stored as `before` (old revision) as `after` (current revision).
 * `strict` (a field of a versioned payload): scalars must not change at all; inside value
 * objects, the known-safe widenings of docs/versioning.md are allowed.
 */
export function shapeProblems(
  before: TypeRef,
  after: TypeRef,
  old: TypeScope,
  now: TypeScope,
  strict: boolean,
): ShapeProblem[] {
  const edited: ShapeProblem[] = [
    { kind: 'edited', key: '', length: 0, message: `${typeText(before)} became ${typeText(after)}` },
  ];
  if (before.kind === 'list' && after.kind === 'list')
    return shapeProblems(before.element, after.element, old, now, strict);
  if (before.kind === 'map' && after.kind === 'map') return shapeProblems(before.value, after.value, old, now, strict);
  if (before.kind === 'enum' && after.kind === 'enum') return enumProblems(before.name, after.name, old, now);
  if (before.kind === 'valueObject' && after.kind === 'valueObject')
    return valueObjectProblems(before.name, after.name, old, now);
  if (before.kind === 'scalar' && after.kind === 'scalar' && before.scalar === after.scalar) return [];
  if (!strict && widenProblem(asField(before), asField(after), new Map([...old.enums, ...now.enums])) === undefined)
    return [];
  return edited;
}

function enumProblems(beforeName: string, afterName: string, old: TypeScope, now: TypeScope): ShapeProblem[] {
  const before = old.enums.get(beforeName);
  const after = now.enums.get(afterName);
  if (before === undefined || after === undefined) return [];
  const lost = before.values.filter((v) => !after.values.includes(v));
  if (lost.length === 0) return [];
  const renamed = beforeName === afterName ? '' : ` (stored as ${beforeName})`;
  return [
    {
      kind: 'enum',
      key: `enum ${afterName} ${lost.join(',')}`,
      span: after.span,
      length: after.name.length,
      message: `enum ${afterName}${renamed} lacks ${lost.map((v) => `"${v}"`).join(', ')}, which stored data may hold`,
    },
  ];
}

function valueObjectProblems(beforeName: string, afterName: string, old: TypeScope, now: TypeScope): ShapeProblem[] {
  const before = old.valueObjects.get(beforeName);
  const after = now.valueObjects.get(afterName);
  if (before === undefined || after === undefined) return [];
  const subject =
    beforeName === afterName ? `value object ${afterName}` : `value object ${afterName} (stored as ${beforeName})`;
  const problems: ShapeProblem[] = [];
  const problem = (span: SourceSpan, length: number, what: string, hint?: string): void => {
    problems.push({
      kind: 'valueObject',
      key: `vo ${afterName} ${what}`,
      span,
      length,
      message: `${subject} ${what}`,
      ...(hint === undefined ? {} : { hint }),
    });
  };
  const fields = new Map(after.fields.map((f) => [f.name, f] as const));
  for (const field of before.fields) {
    const next = fields.get(field.name);
    if (next === undefined) {
      problem(after.span, after.name.length, `lost its field "${field.name}", which stored values hold`);
      continue;
    }
    if (field.optional && !next.optional) {
      problem(next.span, next.name.length, `made field "${next.name}" required, which stored values may lack`);
    }
    for (const p of shapeProblems(field.type, next.type, old, now, false)) {
      if (p.kind === 'edited') problem(next.span, next.name.length, `changed field "${next.name}": ${p.message}`);
      else problems.push(p);
    }
  }
  const known = new Set(before.fields.map((f) => f.name));
  for (const field of after.fields) {
    // Decoders read a value object's required fields strictly (a default or an empty list is
    // not filled in on read), so only an optional field can be new to stored values.
    if (!known.has(field.name) && !field.optional) {
      const fill =
        field.default !== undefined
          ? 'its default'
          : field.type.kind === 'list' || field.type.kind === 'map'
            ? 'an empty collection'
            : undefined;
      problem(
        field.span,
        field.name.length,
        fill === undefined
          ? `gained field "${field.name}", required and without a default, which stored values lack`
          : `gained field "${field.name}", required, which stored values lack (${fill} is not filled in when a stored value is read)`,
        `make it optional (\`${field.name}: ${typeText(field.type)}?\`): stored values then read without it; or declare a new value object type and use it in a new version of the payloads`,
      );
    }
  }
  return problems;
}

const NOWHERE: SourceSpan = { file: '', line: 0, column: 0, offset: 0 };

function asField(type: TypeRef): FieldDef {
  return { kind: 'field', name: '', type, optional: false, constraints: {}, pii: false, span: NOWHERE };
}
