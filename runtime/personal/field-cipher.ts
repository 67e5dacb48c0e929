/**
 * One personal field's wire value ⇄ its encrypted wire form `{ "$pii": "<base64>" }`: AES-256-GCM
 * under the subject's data key, a random nonce each time, and the subject and field name as
 * additional data (a value copied to another subject or field does not decrypt).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JsonValue } from '../codec.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** An encrypted personal value as it stands in a stored payload. */
export type SealedValue = { readonly $pii: string };

export function isSealedValue(value: unknown): value is SealedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $pii?: unknown }).$pii === 'string' &&
    Object.keys(value).length === 1
  );
}

function aad(subject: string, field: string): Buffer {
  return Buffer.from(`eventforge pii\0${subject}\0${field}`, 'utf8');
}

export function sealValue(value: JsonValue, key: Uint8Array, subject: string, field: string): SealedValue {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(subject, field));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $pii: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64') };
}

/** The value, or undefined when it does not authenticate under this key (altered or moved). */
export function openValue(sealed: SealedValue, key: Uint8Array, subject: string, field: string): unknown {
  const bytes = Buffer.from(sealed.$pii, 'base64');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(aad(subject, field));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
