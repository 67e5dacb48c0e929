/** Ids derived from a name, for aggregates of which there is one per name (a trick's counter, a product's stock). */
import { createHash } from 'node:crypto';

/** The same UUID-shaped id for the same kind and name, every time, in every process. */
export function nameBasedId(kind: string, name: string): string {
  const hash = createHash('sha1').update(`${kind}:${name}`).digest('hex');
  // Shaped like a name-based (version 5) UUID.
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
