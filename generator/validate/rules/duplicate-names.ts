/**
 * One namespace per domain: value objects, enums, aggregates and events all become TypeScript
 * types of the domain's generated folder, together with derived names (`DogState`, `DogBase`,
 * `DogEvent`, `TrickAddedData`, `TrickAddedV1`, `TrickAddedInput`, the enum's value list).
 * EF204 a name declared twice, EF205 names that differ only by case, EF206 a declared name
 * equal to a generated one. Field names clash by case within one payload (EF205).
 */
import type { Diagnostic } from '../../diagnostics.js';
import {
  aggregateBaseClassName,
  aggregateClassesTypeName,
  enumValuesName,
  eventDataTypeName,
  eventInputTypeName,
  eventUnionName,
  repositoriesTypeName,
  stateTypeName,
  versionedTypeName,
  viewKeyTypeName,
  viewProjectionBaseName,
  viewProjectionName,
  viewRowTypeName,
} from '../../ir/naming.js';
import type { Located, RawDomain } from '../../load/raw-model.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';
import { fieldLists } from './walk.js';

export interface Declared {
  readonly name: Located<string>;
  /** `value object Money`, `event Account.Opened`. */
  readonly what: string;
  /** Names generated from it, with what they are. */
  readonly generated: readonly { readonly name: string; readonly what: string }[];
  /** The domain itself: not a type, but some generated names derive from it. */
  readonly isDomain?: boolean;
}

export const duplicateNames: Rule = ({ domain }) => {
  const file = domain.file;
  const diagnostics: Diagnostic[] = [];
  const declared = declaredNames(domain);

  const exact = new Map<string, Declared>();
  const folded = new Map<string, Declared>();
  for (const d of declared) {
    if (d.isDomain === true) continue;
    const name = d.name.value;
    const first = exact.get(name);
    if (first !== undefined) {
      diagnostics.push(
        errorAt(
          file,
          d.name.range,
          'EF204',
          `${d.what} has the same name as ${first.what} (line ${first.name.range.start.line})`,
          'names of types, aggregates and events share one namespace per domain; rename one of them',
        ),
      );
      continue;
    }
    const sameFold = folded.get(name.toLowerCase());
    if (sameFold !== undefined) {
      diagnostics.push(
        errorAt(
          file,
          d.name.range,
          'EF205',
          `${d.what} differs only by case from ${sameFold.what} (line ${sameFold.name.range.start.line})`,
          'names that differ only by case are refused (they collide on case-insensitive file systems and databases); rename one',
        ),
      );
      continue;
    }
    exact.set(name, d);
    folded.set(name.toLowerCase(), d);
  }
  const generatedBy = new Map<string, { owner: Declared; what: string }>();
  for (const d of declared)
    for (const g of d.generated) if (!generatedBy.has(g.name)) generatedBy.set(g.name, { owner: d, what: g.what });
  for (const d of declared) {
    if (d.isDomain === true) continue;
    const clash = generatedBy.get(d.name.value);
    if (clash !== undefined && clash.owner !== d) {
      diagnostics.push(
        errorAt(
          file,
          d.name.range,
          'EF206',
          `${d.what} has the same name as ${clash.what}, which eventforge generates`,
          `rename ${d.what.split(' ').slice(0, -1).join(' ')} "${d.name.value}"`,
        ),
      );
    }
  }

  for (const list of fieldLists(domain)) {
    const seen = new Map<string, Located<string>>();
    for (const field of list.fields) {
      const key = field.name.value.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined && first.value !== field.name.value) {
        diagnostics.push(
          errorAt(
            file,
            field.name.range,
            'EF205',
            `field "${field.name.value}" of ${list.label} differs only by case from field "${first.value}" (line ${first.range.start.line})`,
            'rename one of the two fields',
          ),
        );
      } else if (first === undefined) {
        seen.set(key, field.name);
      }
    }
  }
  return diagnostics;
};

/** Every type name the domain declares, with the names eventforge generates from each. */
export function declaredNames(domain: RawDomain): Declared[] {
  const name = domain.name.value;
  const declared: Declared[] = [
    {
      name: domain.name,
      what: `domain ${name}`,
      isDomain: true,
      generated: [
        { name: repositoriesTypeName(name), what: `the repositories type of domain ${name}` },
        { name: aggregateClassesTypeName(name), what: `the aggregate classes type of domain ${name}` },
      ],
    },
  ];
  for (const decl of domain.types) {
    const what = decl.kind === 'enum' ? `enum ${decl.name.value}` : `value object ${decl.name.value}`;
    declared.push({
      name: decl.name,
      what,
      generated:
        decl.kind === 'enum'
          ? [{ name: enumValuesName(decl.name.value), what: `the value list of enum ${decl.name.value}` }]
          : [],
    });
  }
  for (const aggregate of domain.aggregates) {
    const a = aggregate.name.value;
    const stateVersion = aggregate.state.version?.value ?? 1;
    declared.push({
      name: aggregate.name,
      what: `aggregate ${a}`,
      generated: [
        { name: stateTypeName(a), what: `the state type of ${a}` },
        { name: aggregateBaseClassName(a), what: `the base class of ${a}` },
        { name: eventUnionName(a), what: `the event union of ${a}` },
        ...range(stateVersion).map((v) => ({
          name: versionedTypeName(stateTypeName(a), v),
          what: `version ${v} of the state of ${a}`,
        })),
      ],
    });
    for (const event of aggregate.events) {
      const e = event.name.value;
      const version = event.payload.version?.value ?? 1;
      declared.push({
        name: event.name,
        what: `event ${a}.${e}`,
        generated: [
          { name: eventDataTypeName(e), what: `the data type of event ${a}.${e}` },
          { name: eventInputTypeName(e), what: `the input type of event ${a}.${e}` },
          ...range(version).map((v) => ({ name: versionedTypeName(e, v), what: `version ${v} of event ${a}.${e}` })),
        ],
      });
    }
  }
  for (const view of domain.views) {
    const v = view.name.value;
    declared.push({
      name: view.name,
      what: `view ${v}`,
      generated: [
        { name: viewRowTypeName(v), what: `the row type of view ${v}` },
        { name: viewKeyTypeName(v), what: `the key type of view ${v}` },
        { name: viewProjectionBaseName(v), what: `the projection base class of view ${v}` },
        { name: viewProjectionName(v), what: `the projection of view ${v}` },
      ],
    });
  }
  return declared;
}

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, Math.min(n, 1000)) }, (_, i) => i + 1);
}
