/**
 * The optional outer layers of a stored payload: compression (deflate) and encryption
 * (AES-256-GCM). Each layer starts with one tag byte, so stored bytes say how to read them:
 * data written compressed stays readable after compression is switched off, and encrypted data
 * read without a key fails with a clear error instead of a JSON parse error. A payload with no
 * layer is the plain UTF-8 JSON text (which never starts with a tag byte). Compression is applied
 * per payload, only where it pays (see COMPRESS_FROM_BYTES).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { ConfigurationError } from './errors.js';

const TAG_DEFLATE = 0x01;
const TAG_AES_256_GCM = 0x02;
const NONCE_BYTES = 12;
const AUTH_TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Shorter payloads are stored uncompressed: they do not shrink, and deflate costs ~20 µs a call. */
export const COMPRESS_FROM_BYTES = 96;

/** How payloads are wrapped before they are stored. */
export interface PayloadLayers {
  /** Compress with deflate (before encryption: encrypted bytes do not compress). */
  readonly compression?: 'deflate' | undefined;
  /** A 32-byte AES-256 key: encrypt with AES-256-GCM. */
  readonly cipherKey?: Uint8Array | undefined;
}

/** Why the layers could not be removed; the mapper turns it into a typed error with the record's position. */
export class EnvelopeProblem extends Error {
  constructor(
    readonly kind: 'decrypt' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

/** Checks a cipher key's length; used by configuration and by the application options. */
export function checkCipherKey(key: Uint8Array, source: string): Uint8Array {
  if (key.length !== KEY_BYTES) {
    throw new ConfigurationError(
      `${source}: an AES-256 key has ${KEY_BYTES} bytes, this one has ${key.length}; ` +
        'make one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`',
    );
  }
  return key;
}

/** A new random cipher key, base64-encoded (the form `EVENTFORGE_CIPHER_KEY` takes). */
export function generateCipherKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Wraps plain payload bytes in the configured layers. */
export function sealPayload(plain: Uint8Array, layers: PayloadLayers): Uint8Array {
  let bytes = plain;
  if (layers.compression === 'deflate' && bytes.length >= COMPRESS_FROM_BYTES) {
    // Kept only when it saves bytes: deflate's header and checksum outweigh gains on short JSON.
    const compressed = deflateSync(bytes);
    if (compressed.length + 1 < bytes.length) bytes = prefix(TAG_DEFLATE, compressed);
  }
  if (layers.cipherKey !== undefined) bytes = encrypt(bytes, layers.cipherKey);
  return bytes;
}

/**
 * Removes whatever layers the stored bytes have. Throws `EnvelopeProblem` when they are
 * encrypted and no key (or the wrong key) is configured, or when they are damaged.
 */
export function openPayload(stored: Uint8Array, cipherKey: Uint8Array | undefined): Uint8Array {
  let bytes = stored;
  for (;;) {
    const tag = bytes[0];
    if (tag === TAG_AES_256_GCM) {
      bytes = decrypt(bytes, cipherKey);
    } else if (tag === TAG_DEFLATE) {
      try {
        bytes = inflateSync(bytes.subarray(1));
      } catch (error) {
        throw new EnvelopeProblem('corrupt', `the compressed payload is damaged (${(error as Error).message})`);
      }
    } else if (tag !== undefined && tag < 0x09) {
      throw new EnvelopeProblem('corrupt', `unknown payload layer tag ${tag}: written by a newer eventforge?`);
    } else {
      return bytes;
    }
  }
}

// Nonces come from a pool of CSPRNG bytes refilled 256 at a time: randomBytes costs ~5 µs a call.
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 256);
    nonceOffset = 0;
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function encrypt(plain: Uint8Array, key: Uint8Array): Uint8Array {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Uint8Array.of(TAG_AES_256_GCM), nonce, body, cipher.getAuthTag()]);
}

function decrypt(sealed: Uint8Array, key: Uint8Array | undefined): Uint8Array {
  if (key === undefined) {
    throw new EnvelopeProblem(
      'decrypt',
      'it was stored encrypted and no cipher key is configured; set EVENTFORGE_CIPHER_KEY (or the cipherKey option) to the key it was written with',
    );
  }
  if (sealed.length < 1 + NONCE_BYTES + AUTH_TAG_BYTES) {
    throw new EnvelopeProblem('decrypt', `the encrypted payload is truncated (${sealed.length} bytes)`);
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const body = sealed.subarray(1 + NONCE_BYTES, sealed.length - AUTH_TAG_BYTES);
  const authTag = sealed.subarray(sealed.length - AUTH_TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(authTag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new EnvelopeProblem(
      'decrypt',
      'authentication failed: the cipher key is not the one it was written with, or the stored bytes were altered',
    );
  }
}

function prefix(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}
