/**
 * TypeScript declarations derived from the IR, for type-checking a domain's upcasters module in
 * memory: the versioned payload types as generated/<domain>/types.ts declares them, so the check
 * does not depend on generated/ existing or being current (`check` may run before `generate`).
 */
import { tsType } from '../../emit/typescript/type-text.js';
import type { DomainDef, FieldDef } from '../../ir/model.js';
import { eventDataTypeName, stateTypeName, versionedTypeName } from '../../ir/naming.js';

/**
 * Stands in for decimal.js (the compiler reads no package from disk). The private member makes
 * it nominal, as the real class is: a number is not a Decimal. Methods it lacks read as `any`
 * in the module, so they can hide a mistake but never invent one.
 */
export const DECIMAL_DECLARATION = `export declare class Decimal {
  private readonly decimalBrand: never;
  constructor(value: string | number | Decimal);
  plus(n: string | number | Decimal): Decimal;
  minus(n: string | number | Decimal): Decimal;
  times(n: string | number | Decimal): Decimal;
  div(n: string | number | Decimal): Decimal;
  abs(): Decimal;
  neg(): Decimal;
  eq(n: string | number | Decimal): boolean;
  isZero(): boolean;
  toNumber(): number;
  toFixed(digits?: number): string;
  toString(): string;
}
export default Decimal;
`;

/** The types module of one domain: enums, value objects, every version of every payload. */
export function typesDeclaration(domain: DomainDef): string {
  const lines = [
    `import type { Decimal } from 'decimal.js';`,
    // As runtime/codec.ts declares it.
    'export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };',
  ];
  for (const e of domain.enums)
    lines.push(`export type ${e.name} = ${e.values.map((v) => JSON.stringify(v)).join(' | ')};`);
  for (const vo of domain.valueObjects) lines.push(interfaceText(vo.name, vo.fields));
  for (const aggregate of domain.aggregates) {
    const state = stateTypeName(aggregate.name);
    for (const v of aggregate.state.versions) lines.push(interfaceText(versionedTypeName(state, v.version), v.fields));
    lines.push(`export type ${state} = ${versionedTypeName(state, aggregate.state.version)};`);
    for (const event of aggregate.events) {
      for (const v of event.versions) lines.push(interfaceText(versionedTypeName(event.name, v.version), v.fields));
      lines.push(`export type ${eventDataTypeName(event.name)} = ${versionedTypeName(event.name, event.version)};`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function interfaceText(name: string, fields: readonly FieldDef[]): string {
  return `export interface ${name} { ${fields.map((f) => `readonly ${f.name}${f.optional ? '?' : ''}: ${tsType(f.type)};`).join(' ')} }`;
}
