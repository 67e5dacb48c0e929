/**
 * The wire-form writers the generated transcoders call for the types JSON has no form of
 * (date-times, bytes) and for lists and maps of encoded values.
 */
import type { JsonValue } from '../codec.js';
import { setEntry } from './readers.js';

/** Wire form of a datetime: ISO 8601 in UTC with milliseconds. Refuses an invalid Date. */
export function encodeDateTime(value: Date): string {
  return value.toISOString();
}

export function encodeBytes(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

export function encodeList<T>(value: readonly T[], element: (item: T) => JsonValue): JsonValue[] {
  const out = new Array<JsonValue>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = element(value[i] as T);
  return out;
}

export function encodeMap<T>(
  value: Readonly<Record<string, T>>,
  element: (item: T) => JsonValue,
): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(value)) setEntry(out, k, element(value[k] as T));
  return out;
}
