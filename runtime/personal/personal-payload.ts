/**
 * A payload's wire form with its personal fields sealed under the subject's data key, and back.
 * Only the personal fields change: the rest of the payload stays readable (and queryable).
 */
import type { JsonValue, PersonalField, PersonalFields } from '../codec.js';
import { DecryptionError, ForgottenSubjectError } from '../errors.js';
import { isSealedValue, openValue, sealValue } from './field-cipher.js';
import { innerPaths, mapInner } from './inner-values.js';
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

/** The paths of the personal values the wire form holds that are neither absent nor redacted (they need a key). */
export function personalValuePaths(personal: PersonalFields, wire: JsonValue): string[] {
  const o = wire as Record<string, JsonValue>;
  const present = (v: unknown): boolean => v !== undefined && !isRedacted(v);
  return personal.fields.flatMap((f) => {
    if (f.inner !== undefined) return o[f.name] === undefined ? [] : innerPaths(o[f.name], f.inner, f.name, present);
    return present(o[f.name]) ? [f.name] : [];
  });
}

/** Whether the wire form holds a personal value that is neither absent nor redacted (it needs a key). */
export function holdsPersonalValues(personal: PersonalFields, wire: JsonValue): boolean {
  return personalValuePaths(personal, wire).length > 0;
}

/** Whether the stored wire form holds an encrypted value (it needs the subject's key to read). */
export function holdsSealedValues(wire: unknown, personal?: PersonalFields): boolean {
  if (typeof wire !== 'object' || wire === null) return false;
  const o = wire as Record<string, unknown>;
  for (const key in o) if (isSealedValue(o[key])) return true;
  return (personal?.fields ?? []).some(
    (f) =>
      f.inner !== undefined &&
      o[f.name] !== undefined &&
      innerPaths(o[f.name], f.inner, f.name, isSealedValue).length > 0,
  );
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
  const seal = (value: JsonValue, name: string): JsonValue => {
    if (isRedacted(value)) return value;
    if (key !== 'forgotten') return sealValue(value, key, subject, name);
    // A snapshot of a forgotten subject stores the marker; it reads as the field's placeholder.
    if (place.kind === 'snapshot') return REDACTED;
    throw new ForgottenSubjectError(subject, `${place.topic} (stream ${place.streamId}, version ${place.version})`);
  };
  for (const field of personal.fields) {
    const value = out[field.name];
    if (value === undefined) continue;
    out[field.name] =
      field.inner === undefined
        ? seal(value, field.name)
        : (mapInner(value, field.inner, field.name, (v, _f, path) => seal(v as JsonValue, path)) as JsonValue);
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
  /** A stored value: opened, its placeholder when redacted or the key is gone, else as it is. */
  const read = (value: unknown, name: string, redacted: () => JsonValue): unknown => {
    if (isRedacted(value)) return redacted();
    if (!isSealedValue(value)) return value;
    if (key === undefined || key === 'forgotten') return redacted();
    const opened = openValue(value, key, subject, name);
    if (opened === undefined)
      throw new DecryptionError(
        place.topic,
        place.streamId,
        place.version,
        `personal field "${name}" does not decrypt under the data key of subject ${subject}: altered, or moved from another subject or field`,
      );
    return opened;
  };
  const out: Record<string, unknown> = { ...(wire as Record<string, unknown>) };
  for (const name in out) out[name] = read(out[name], name, () => placeholder(personal, name));
  // Personal fields inside value objects: opened (or given their placeholder) one by one.
  for (const field of personal?.fields ?? []) {
    if (field.inner === undefined || out[field.name] === undefined) continue;
    out[field.name] = mapInner(out[field.name], field.inner, field.name, (value, inner, path) =>
      read(value, path, () => inner.redacted ?? REDACTED),
    );
  }
  return out;
}

function placeholder(personal: PersonalFields | undefined, name: string): JsonValue {
  const field: PersonalField | undefined = personal?.fields.find((f) => f.name === name);
  return field?.redacted ?? REDACTED;
}
