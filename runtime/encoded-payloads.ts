/**
 * The wire form a payload was checked in when its event was triggered, kept for the save.
 * `checkPayload` must encode a payload to validate it; the mapper stores that same encoding
 * instead of encoding the payload a second time. Keyed by the payload object, which the
 * generated trigger method builds fresh, checks and hands to `triggerEvent` unchanged; a payload
 * that was never checked (a hand-written `triggerEvent` call) is encoded at save as usual.
 */
import type { JsonValue, PayloadCodec } from './codec.js';

interface Encoded {
  readonly codec: PayloadCodec<unknown>;
  readonly wire: JsonValue;
}

const encoded = new WeakMap<object, Encoded>();

/** Remembers `wire` as `codec`'s encoding of `data` (objects only: a primitive has no identity). */
export function rememberEncoding<T>(data: T, codec: PayloadCodec<T>, wire: JsonValue): void {
  if (typeof data === 'object' && data !== null) encoded.set(data, { codec: codec as PayloadCodec<unknown>, wire });
}

/** `codec`'s encoding of `data`: the remembered one when `data` was checked with this codec, else a fresh one. */
export function encodingOf<T>(data: T, codec: PayloadCodec<T>): JsonValue {
  if (typeof data === 'object' && data !== null) {
    const known = encoded.get(data);
    if (known !== undefined && known.codec === codec) return known.wire;
  }
  return codec.encode(data);
}
