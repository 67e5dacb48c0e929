/**
 * Wraps and unwraps data keys with a master key, shaped like a KMS (AWS KMS, Google Cloud KMS,
 * Vault transit): the store only ever holds wrapped keys. The default provider keeps its master
 * key in the environment (`EVENTFORGE_MASTER_KEY`) and accepts previous master keys for reading
 * while data keys are re-wrapped under a new one (`eventforge rewrap-keys`).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigurationError, DataKeyError } from '../errors.js';

/** Wraps data keys for storage and unwraps them for use; `subject` is bound to the wrapping. */
export interface KeyProvider {
  wrap(key: Uint8Array, subject: string): Promise<Uint8Array>;
  unwrap(wrapped: Uint8Array, subject: string): Promise<Uint8Array>;
  /** Whether `wrapped` is wrapped under the current master key (rotation skips those). */
  isCurrent?(wrapped: Uint8Array): boolean;
}

const FORMAT = 0x01;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/** The first bytes of the key's SHA-256: names a master key in a wrapped key without revealing it. */
function keyId(master: Uint8Array): Buffer {
  return createHash('sha256').update('eventforge master key id').update(master).digest().subarray(0, KEY_ID_BYTES);
}

function aad(subject: string): Buffer {
  return Buffer.from(`eventforge data key\0${subject}`, 'utf8');
}

/**
 * A provider holding the master key in process memory: AES-256-GCM, a random nonce per key, the
 * subject as additional data (a wrapped key copied to another subject's row does not unwrap).
 * `previous` keys unwrap only.
 */
export function masterKeyProvider(current: Uint8Array, previous: readonly Uint8Array[] = []): KeyProvider {
  for (const [i, key] of [current, ...previous].entries()) {
    if (key.length !== 32)
      throw new ConfigurationError(
        `master key ${i === 0 ? '' : `(previous ${i}) `}has ${key.length} bytes; expected 32 (base64 of 32 random bytes)`,
      );
  }
  const currentId = keyId(current);
  const byId = new Map([current, ...previous].map((key) => [keyId(key).toString('hex'), key]));
  return {
    async wrap(key, subject) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      cipher.setAAD(aad(subject));
      const body = Buffer.concat([cipher.update(key), cipher.final()]);
      return Buffer.concat([Buffer.of(FORMAT), currentId, nonce, body, cipher.getAuthTag()]);
    },
    async unwrap(wrapped, subject) {
      const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
      const id = bytes.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
      const master = byId.get(id);
      if (bytes[0] !== FORMAT || bytes.length !== 1 + KEY_ID_BYTES + NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES)
        throw new DataKeyError(subject, 'the stored data key is not in a known format');
      if (master === undefined)
        throw new DataKeyError(
          subject,
          'it is wrapped under a master key that is not configured; set EVENTFORGE_MASTER_KEY or list the old one in EVENTFORGE_MASTER_PREVIOUS_KEYS',
        );
      const start = 1 + KEY_ID_BYTES;
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, bytes.subarray(start, start + NONCE_BYTES));
        decipher.setAAD(aad(subject));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(bytes.subarray(start + NONCE_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new DataKeyError(subject, 'it does not authenticate: altered, or moved from another subject');
      }
    },
    isCurrent(wrapped) {
      return wrapped[0] === FORMAT && currentId.equals(Buffer.from(wrapped.subarray(1, 1 + KEY_ID_BYTES)));
    },
  };
}

/** A fresh random data key. */
export function newDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}
