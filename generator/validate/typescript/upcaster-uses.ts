/**
 * The `using:` functions a domain names, each with where it is named and the exact signature
 * the generated upcasters pin it to (see customUpcasterSignature). Pure: schema and IR in.
 */
import { tsType } from '../../emit/typescript/type-text.js';
import type { DomainDef, FieldDef, PayloadVersionDef } from '../../ir/model.js';
import { customUpcasterSignature, stateTypeName, versionedTypeName } from '../../ir/naming.js';
import type { RawDomain, RawPayload } from '../../load/raw-model.js';
import type { SourceRange } from '../../load/source-doc.js';

export interface UpcasterUse {
  readonly functionName: string;
  /** The `using:` value. */
  readonly range: SourceRange;
  /** For messages, as the other upcast diagnostics say it: `event Account.Deposited v2→v3`. */
  readonly label: string;
  /** `DepositedV2`: what the generated code passes. */
  readonly fromType: string;
  /** `DepositedV3`: the version the step makes. */
  readonly toType: string;
  /** `DepositedV3['transactionId']`: what the function must return. */
  readonly resultType: string;
  /** `(previous: DepositedV2) => DepositedV3['transactionId']` */
  readonly signature: string;
  /** The result type spelled out for the hint: `string`, `Decimal | undefined`. */
  readonly resultText: string;
}

interface Payload {
  readonly raw: RawPayload;
  /** Type name stem: `Deposited`, `AccountState`. */
  readonly name: string;
  readonly label: string;
  readonly versions: readonly PayloadVersionDef[];
}

/** Every `using:` of the domain whose step the IR holds, in schema order. */
export function upcasterUses(raw: RawDomain, domain: DomainDef): UpcasterUse[] {
  const payloads: Payload[] = [];
  for (const rawAggregate of raw.aggregates) {
    const aggregate = domain.aggregates.find((a) => a.name === rawAggregate.name.value);
    if (aggregate === undefined) continue;
    const stateName = stateTypeName(aggregate.name);
    payloads.push({
      raw: rawAggregate.state,
      name: stateName,
      label: `state of ${aggregate.name}`,
      versions: aggregate.state.versions,
    });
    for (const rawEvent of rawAggregate.events) {
      const event = aggregate.events.find((e) => e.name === rawEvent.name.value);
      if (event === undefined) continue;
      payloads.push({
        raw: rawEvent.payload,
        name: event.name,
        label: `event ${aggregate.name}.${event.name}`,
        versions: event.versions,
      });
    }
  }
  return payloads.flatMap((p) => usesOf(p, domain));
}

/** `string`, or an enum with its values: `AccountStatus ('open' | 'frozen' | 'closed')`. */
function spelledOut(field: FieldDef, domain: DomainDef): string {
  const type = field.type;
  if (type.kind !== 'enum') return tsType(type);
  const values = domain.enums.find((e) => e.name === type.name)?.values ?? [];
  return `${type.name} (${values.map((v) => `'${v}'`).join(' | ')})`;
}

function usesOf(payload: Payload, domain: DomainDef): UpcasterUse[] {
  const uses: UpcasterUse[] = [];
  for (const entry of payload.raw.history) {
    const step = payload.versions.find((v) => v.version === entry.version.value)?.upcast;
    const next = payload.versions.find((v) => v.version === step?.to);
    if (step === undefined || next === undefined) continue;
    for (const upcast of entry.upcast) {
      const field = next.fields.find((f) => f.name === upcast.field.value);
      if (upcast.using === undefined || field === undefined) continue;
      uses.push({
        functionName: upcast.using.value,
        range: upcast.using.range,
        label: `${payload.label} v${step.from}→v${step.to}`,
        fromType: versionedTypeName(payload.name, step.from),
        toType: versionedTypeName(payload.name, step.to),
        resultType: `${versionedTypeName(payload.name, step.to)}['${field.name}']`,
        signature: customUpcasterSignature(payload.name, step.from, step.to, field.name),
        resultText: spelledOut(field, domain) + (field.optional ? ' | undefined' : ''),
      });
    }
  }
  return uses;
}
