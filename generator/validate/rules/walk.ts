/** Every list of fields in a domain, with a label for messages. */
import type { RawDomain, RawField, RawPayload } from '../../load/raw-model.js';

export interface FieldList {
  /** `value object Money`, `event Account.Deposited`, `version 1 of event Account.Deposited`, `state of Account`. */
  readonly label: string;
  readonly fields: readonly RawField[];
  /** The aggregate the list belongs to, if any. */
  readonly aggregate?: string;
  /** True for the state's current fields (those become getters of the aggregate class). */
  readonly isCurrentState?: boolean;
}

export function fieldLists(domain: RawDomain): FieldList[] {
  const lists: FieldList[] = [];
  for (const decl of domain.types) {
    if (decl.kind === 'valueObject') lists.push({ label: `value object ${decl.name.value}`, fields: decl.fields });
  }
  for (const aggregate of domain.aggregates) {
    const name = aggregate.name.value;
    lists.push(...payloadLists(`the state of ${name}`, aggregate.state, name, true));
    for (const event of aggregate.events)
      lists.push(...payloadLists(`event ${name}.${event.name.value}`, event.payload, name, false));
  }
  for (const view of domain.views) lists.push({ label: `view ${view.name.value}`, fields: view.columns });
  return lists;
}

function payloadLists(label: string, payload: RawPayload, aggregate: string, isState: boolean): FieldList[] {
  return [
    { label, fields: payload.fields, aggregate, isCurrentState: isState },
    ...payload.history.map((h) => ({ label: `version ${h.version.value} of ${label}`, fields: h.fields, aggregate })),
  ];
}
