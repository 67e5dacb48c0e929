/**
 * The optional outer layers of a stored payload: compression (deflate) and encryption
 * (AES-256-GCM). Each layer starts with one tag byte, so stored bytes say how to read them:
 * data written compressed stays readable after compression is switched off, and encrypted data
 * read without a key fails with a clear error instead of a JSON parse error. A payload with no
 * layer is the plain UTF-8 JSON text (which never starts with a tag byte). Compression is applied
 * per payload, only where it pays (see COMPRESS_FROM_BYTES).
 *
 * Encryption binds the payload to where it is stored (its `PayloadContext`, as AES-GCM additional
 * authenticated data), so a payload moved to another row fails authentication. Payloads written
 * before that binding existed carry the older tag and are read without context (docs/security.md).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { ConfigurationError } from './errors.js';

const TAG_DEFLATE = 0x01;
/** AES-256-GCM without additional authenticated data: written before contexts existed, still read. */
const TAG_AES_256_GCM = 0x02;
/** AES-256-GCM with the record's `PayloadContext` as additional authenticated data. */
const TAG_AES_256_GCM_CONTEXT = 0x03;
const NONCE_BYTES = 12;
const AUTH_TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Bytes below this are layer tags (present or future); JSON text never starts with one. */
const FIRST_TEXT_BYTE = 0x09;
/** Shorter payloads are stored uncompressed: they do not shrink, and deflate costs ~20 µs a call. */
export const COMPRESS_FROM_BYTES = 96;

/** How payloads are wrapped before they are stored. */
export interface PayloadLayers {
  /** Compress with deflate (before encryption: encrypted bytes do not compress). */
  readonly compression?: 'deflate' | undefined;
  /** A 32-byte AES-256 key: encrypt with AES-256-GCM. */
  readonly cipherKey?: Uint8Array | undefined;
  /**
   * Refuse payloads not bound to their record: encrypted before eventforge bound payloads to
   * their context, or not encrypted. Where all are bound (after `reencryptStore`), this stops a
   * writer to the database from planting such payloads (docs/security.md).
   */
  readonly refuseUnbound?: boolean | undefined;
  /** Keys older payloads may be encrypted with: read, never written (key rotation, docs/security.md). */
  readonly previousKeys?: readonly Uint8Array[] | undefined;
}

/**
 * The columns of the record a payload is stored in, bound to its encryption: a payload copied to
 * another stream, version, topic, schema version or timestamp, or from an event row to a snapshot
 * row, no longer authenticates. The notification id is not bound: the store assigns it after the
 * payload is sealed (docs/security.md says what that leaves open).
 */
export interface PayloadContext {
  readonly kind: 'event' | 'snapshot';
  readonly streamId: string;
  readonly version: number;
  readonly topic: string;
  readonly schemaVersion: number;
  readonly timestamp: Date;
}

/** Whether stored bytes are encrypted with context, encrypted without (older records), or not encrypted. */
export function encryptionOf(stored: Uint8Array): 'context' | 'no-context' | 'none' {
  if (stored[0] === TAG_AES_256_GCM_CONTEXT) return 'context';
  return stored[0] === TAG_AES_256_GCM ? 'no-context' : 'none';
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

/**
 * Whether `openPayload` would return the stored bytes as they are: plain JSON (no layer tag) that
 * the layers accept. Then the caller needs no context to open them.
 */
export function isPlainPayload(stored: Uint8Array, layers: PayloadLayers): boolean {
  const tag = stored[0];
  return tag !== undefined && tag >= FIRST_TEXT_BYTE && layers.refuseUnbound !== true;
}

/** Wraps plain payload bytes in the configured layers, binding the encryption to `context`. */
export function sealPayload(plain: Uint8Array, layers: PayloadLayers, context: PayloadContext): Uint8Array {
  let bytes = plain;
  if (layers.compression === 'deflate' && bytes.length >= COMPRESS_FROM_BYTES) {
    // Kept only when it saves bytes: deflate's header and checksum outweigh gains on short JSON.
    const compressed = deflateSync(bytes);
    if (compressed.length + 1 < bytes.length) bytes = prefix(TAG_DEFLATE, compressed);
  }
  if (layers.cipherKey !== undefined) bytes = encrypt(bytes, layers.cipherKey, context);
  return bytes;
}

/**
 * Removes whatever layers the stored bytes have. Throws `EnvelopeProblem` when they are
 * encrypted and no key (or the wrong key) is configured, when they were encrypted for another
 * context than `context` (moved, swapped or replayed), when they are damaged, or when they are
 * not bound to a context and `layers.refuseUnbound` is set.
 */
export function openPayload(stored: Uint8Array, layers: PayloadLayers, context: PayloadContext): Uint8Array {
  const { cipherKey } = layers;
  if (layers.refuseUnbound === true && stored[0] !== TAG_AES_256_GCM_CONTEXT) {
    throw new EnvelopeProblem(
      'decrypt',
      `it is not bound to its record (${stored[0] === TAG_AES_256_GCM ? 'encrypted before payloads were bound to their context' : 'not encrypted'}) ` +
        'and unbound payloads are refused (EVENTFORGE_UNBOUND_PAYLOADS=refuse); if it is genuine, bind the store with reencryptStore (docs/security.md)',
    );
  }
  let bytes = stored;
  for (;;) {
    const tag = bytes[0];
    if (tag === TAG_AES_256_GCM_CONTEXT) {
      bytes = decryptWithAny(bytes, cipherKey, layers.previousKeys, context);
    } else if (tag === TAG_AES_256_GCM) {
      bytes = decryptWithAny(bytes, cipherKey, layers.previousKeys, undefined);
    } else if (tag === TAG_DEFLATE) {
      try {
        bytes = inflateSync(bytes.subarray(1));
      } catch (error) {
        throw new EnvelopeProblem('corrupt', `the compressed payload is damaged (${(error as Error).message})`);
      }
    } else if (tag !== undefined && tag < FIRST_TEXT_BYTE) {
      throw new EnvelopeProblem('corrupt', `unknown payload layer tag ${tag}: written by a newer eventforge?`);
    } else {
      return bytes;
    }
  }
}

/**
 * The stored bytes encrypted with `context` under `cipherKey`, or undefined when they are so
 * already. Bytes encrypted without context, or under one of `previousKeys`, are opened and
 * encrypted again; bytes not encrypted at all are encrypted. Inner layers (compression) are kept
 * as they are. Throws `EnvelopeProblem` when no key opens them, or they are damaged.
 */
export function resealPayload(
  stored: Uint8Array,
  context: PayloadContext,
  cipherKey: Uint8Array,
  previousKeys: readonly Uint8Array[] = [],
): Uint8Array | undefined {
  const encryption = encryptionOf(stored);
  if (encryption === 'none') {
    const tag = stored[0];
    if (tag !== undefined && tag !== TAG_DEFLATE && tag < FIRST_TEXT_BYTE) {
      throw new EnvelopeProblem('corrupt', `unknown payload layer tag ${tag}: written by a newer eventforge?`);
    }
    return encrypt(stored, cipherKey, context);
  }
  const bound = encryption === 'context' ? context : undefined;
  let problem: EnvelopeProblem | undefined;
  for (const key of [cipherKey, ...previousKeys]) {
    let inner: Uint8Array;
    try {
      inner = decrypt(stored, key, bound);
    } catch (error) {
      if (!(error instanceof EnvelopeProblem)) throw error;
      problem ??= error;
      continue;
    }
    if (key === cipherKey && encryption === 'context') return undefined;
    return encrypt(inner, cipherKey, context);
  }
  throw problem ?? new EnvelopeProblem('decrypt', 'no cipher key given');
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

/**
 * The additional authenticated data of a context. No two contexts encode alike: the fields before
 * the stream id hold no `|`, the stream id's length says where it ends, and the topic runs to the
 * end. (Concatenation: JSON.stringify of the same fields costs ten times as much.) The timestamp
 * as epoch milliseconds, the precision every store keeps.
 */
function associatedData(context: PayloadContext): Buffer {
  const { kind, streamId, version, topic, schemaVersion, timestamp } = context;
  return Buffer.from(
    `eventforge|${kind}|${version}|${schemaVersion}|${timestamp.getTime()}|${streamId.length}|${streamId}|${topic}`,
    'utf8',
  );
}

function encrypt(plain: Uint8Array, key: Uint8Array, context: PayloadContext): Uint8Array {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Uint8Array.of(TAG_AES_256_GCM_CONTEXT), nonce, body, cipher.getAuthTag()]);
}

/** Decrypts with the current key, else with the first previous key that opens the bytes. */
function decryptWithAny(
  sealed: Uint8Array,
  key: Uint8Array | undefined,
  previousKeys: readonly Uint8Array[] | undefined,
  context: PayloadContext | undefined,
): Uint8Array {
  try {
    return decrypt(sealed, key, context);
  } catch (error) {
    if (key === undefined || previousKeys === undefined || !(error instanceof EnvelopeProblem)) throw error;
    for (const previous of previousKeys) {
      try {
        return decrypt(sealed, previous, context);
      } catch {
        // The problem reported is the current key's.
      }
    }
    throw error;
  }
}

/** Decrypts with `context` as additional authenticated data, or none for records written before contexts. */
function decrypt(sealed: Uint8Array, key: Uint8Array | undefined, context: PayloadContext | undefined): Uint8Array {
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
  if (context !== undefined) decipher.setAAD(associatedData(context));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new EnvelopeProblem(
      'decrypt',
      context === undefined
        ? 'authentication failed: the cipher key is not the one it was written with, or the stored bytes were altered'
        : `authentication failed: the cipher key is not the one it was written with, or the stored bytes were altered, ` +
            `or this payload was written for another record (moved, swapped or replayed: its ${context.kind}'s stream id, ` +
            'version, topic, schema version or timestamp differ from where it was sealed)',
    );
  }
}

function prefix(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}
