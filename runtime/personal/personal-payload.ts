/**
 * A payload's wire form with its personal fields sealed under the subject's data key, and back.
 * Only the personal fields change: the rest of the payload stays readable (and queryable).
 */
import type { JsonValue, PersonalField, PersonalFields } from '../codec.js';
import { DecryptionError, ForgottenSubjectError } from '../errors.js';
import { isSealedValue, openValue, sealValue } from './field-cipher.js';
import { isRedacted, REDACTED } from './redacted.js';

/** A subject's data key as the application knows it: the key, or forgotten. */
export type DataKeyState = Uint8Array | 'forgotten';

/** Where a record is, for messages: never a personal value. */
export interface RecordPlace {
  readonly kind: 'event' | 'snapshot';
  readonly topic: string;
  readonly streamId: string;
  readonly version: number;
}

/** The subject of a payload: its `subject` field, or the aggregate id. */
export function subjectOf(personal: PersonalFields, wire: unknown, streamId: string): string {
  if (personal.subject === undefined) return streamId;
  const value = (wire as Record<string, unknown> | null)?.[personal.subject];
  return typeof value === 'string' && value !== '' ? value : streamId;
}

/** Whether the wire form holds a personal value that is neither absent nor redacted (it needs a key). */
export function holdsPersonalValues(personal: PersonalFields, wire: JsonValue): boolean {
  const o = wire as Record<string, JsonValue>;
  return personal.fields.some((f) => o[f.name] !== undefined && !isRedacted(o[f.name]));
}

/** Whether the stored wire form holds an encrypted value (it needs the subject's key to read). */
export function holdsSealedValues(wire: unknown): boolean {
  if (typeof wire !== 'object' || wire === null) return false;
  for (const key in wire) if (isSealedValue((wire as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * The wire form with each personal value encrypted. For a forgotten subject a snapshot stores
 * the values redacted; an event with new personal data is refused.
 */
export function sealPersonal(
  personal: PersonalFields,
  wire: JsonValue,
  subject: string,
  key: DataKeyState,
  place: RecordPlace,
): JsonValue {
  const out: Record<string, JsonValue> = { ...(wire as Record<string, JsonValue>) };
  for (const { name } of personal.fields) {
    const value = out[name];
    if (value === undefined || isRedacted(value)) continue;
    if (key !== 'forgotten') out[name] = sealValue(value, key, subject, name);
    else if (place.kind === 'snapshot') out[name] = REDACTED;
    else
      throw new ForgottenSubjectError(subject, `${place.topic} (stream ${place.streamId}, version ${place.version})`);
  }
  return out;
}

/**
 * The stored wire form with each encrypted value decrypted, or, when the subject is forgotten,
 * replaced by the field's placeholder. Any top-level value may be encrypted (older versions of
 * the payload may name their personal fields differently).
 */
export function openPersonal(
  personal: PersonalFields | undefined,
  wire: unknown,
  subject: string,
  key: DataKeyState | undefined,
  place: RecordPlace,
): unknown {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) return wire;
  const out: Record<string, unknown> = { ...(wire as Record<string, unknown>) };
  for (const name in out) {
    const value = out[name];
    if (isSealedValue(value)) {
      if (key === undefined || key === 'forgotten') {
        out[name] = placeholder(personal, name);
        continue;
      }
      const opened = openValue(value, key, subject, name);
      if (opened === undefined)
        throw new DecryptionError(
          place.topic,
          place.streamId,
          place.version,
          `personal field "${name}" does not decrypt under the data key of subject ${subject}: altered, or moved from another subject or field`,
        );
      out[name] = opened;
    } else if (isRedacted(value)) {
      out[name] = placeholder(personal, name);
    }
  }
  return out;
}

function placeholder(personal: PersonalFields | undefined, name: string): JsonValue {
  const field: PersonalField | undefined = personal?.fields.find((f) => f.name === name);
  return field?.redacted ?? REDACTED;
}
