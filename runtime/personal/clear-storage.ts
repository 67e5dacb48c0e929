/**
 * Personal data with no master key (docs/personal-data.md, "Without a master key"): it would be
 * stored in clear, so a save carrying it is refused unless the application allows that
 * explicitly (`EVENTFORGE_PERSONAL_DATA=clear`, meant for development and tests), and then the
 * process is told once, so that the setting does not reach production unnoticed.
 */
import type { AggregateDescriptor, DomainDescriptor, JsonValue, PersonalFields } from '../codec.js';
import { ConfigurationError } from '../errors.js';
import { personalValuePaths } from './personal-payload.js';

const ALLOW_CLEAR = "EVENTFORGE_PERSONAL_DATA=clear (or the personalData: 'clear' option)";

/** The personal fields of a wire form that hold a value (neither absent nor redacted), by path. */
export function personalValuesIn(personal: PersonalFields | undefined, wire: JsonValue): string[] {
  return personal === undefined ? [] : personalValuePaths(personal, wire);
}

/** Whether an aggregate's events or state declare personal fields. */
export function declaresPersonalData(aggregate: AggregateDescriptor): boolean {
  return aggregate.state.personal !== undefined || aggregate.events.some((e) => e.codec.personal !== undefined);
}

/** The refusal of a record carrying personal data that no key can encrypt; names the record and fields, never values. */
export function clearStorageRefused(record: string, fields: readonly string[]): ConfigurationError {
  return new ConfigurationError(
    `cannot store ${record}: its personal fields (${fields.join(', ')}) would be stored unencrypted, because no master key is configured; ` +
      'set EVENTFORGE_MASTER_KEY (base64 of 32 random bytes) or give the keyProvider option to encrypt them, ' +
      `or, for development and tests only, allow unencrypted personal data with ${ALLOW_CLEAR}; nothing was stored`,
  );
}

let warned = false;

/** Tells the process, once, that an application stores personal data unencrypted. */
export function warnClearStorage(application: string, domains: readonly DomainDescriptor[]): void {
  const personal = domains.filter((d) => d.aggregates.some(declaresPersonalData)).map((d) => d.name);
  if (warned || personal.length === 0) return;
  warned = true;
  process.emitWarning(
    `application ${application} stores the personal (pii) fields of ${personal.join(', ')} unencrypted: ` +
      'EVENTFORGE_PERSONAL_DATA=clear and no master key. Meant for development and tests; ' +
      'set EVENTFORGE_MASTER_KEY where real people’s data is stored (docs/personal-data.md).',
    { code: 'EVENTFORGE_PERSONAL_DATA_CLEAR' },
  );
}
