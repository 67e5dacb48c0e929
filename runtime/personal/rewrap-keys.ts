/**
 * Master-key rotation: every data key wrapped under an older master key is unwrapped and wrapped
 * again under the current one. Reads keep working throughout (the provider accepts both keys);
 * each key is replaced only if it is still the bytes that were read, so the run is safe to
 * interrupt and to repeat.
 */
import type { Recorder } from '../recorder.js';
import type { KeyProvider } from './key-provider.js';

/** What a rotation did. */
export interface RewrapReport {
  readonly examined: number;
  readonly rewrapped: number;
  /** Wrapped under the current master key already. */
  readonly current: number;
  /** Tombstones of forgotten subjects: nothing to re-wrap. */
  readonly forgotten: number;
  /** Keys no configured master key unwraps (left as they are). */
  readonly refused: readonly { readonly subject: string; readonly problem: string }[];
}

/** Re-wraps every data key of the store under the provider's current master key. */
export async function rewrapDataKeys(
  recorder: Recorder,
  provider: KeyProvider,
  options: { readonly batchSize?: number } = {},
): Promise<RewrapReport> {
  const batchSize = options.batchSize ?? 500;
  let examined = 0;
  let rewrapped = 0;
  let current = 0;
  let forgotten = 0;
  const refused: { subject: string; problem: string }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await recorder.listDataKeys(after, batchSize);
    for (const { subject, wrapped } of page) {
      examined++;
      if (wrapped === undefined) {
        forgotten++;
        continue;
      }
      if (provider.isCurrent?.(wrapped) === true) {
        current++;
        continue;
      }
      try {
        const key = await provider.unwrap(wrapped, subject);
        if (await recorder.replaceDataKey(subject, wrapped, await provider.wrap(key, subject))) rewrapped++;
        else current++; // replaced (or forgotten) meanwhile by someone else
      } catch (error) {
        refused.push({ subject, problem: (error as Error).message });
      }
    }
    if (page.length < batchSize) break;
    after = page[page.length - 1]!.subject;
  }
  return { examined, rewrapped, current, forgotten, refused };
}
