/**
 * The forget ledger: every forget that deletes a key (or leaves a new tombstone) takes the next
 * number of the store's forget sequence, forgetting again takes none, and a projection's
 * watermark in it moves only up and only when its transaction commits.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Recorder } from '../../../runtime/recorder.js';
import { type CurrentRecorder, storedEvent } from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function forgetCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  const positions = () => recorder.transaction((tx) => tx.forgets.positions('P', 'U'));
  const between = (after: bigint, upTo: bigint, limit = 10) =>
    recorder.transaction((tx) => tx.forgets.forgottenBetween(after, upTo, limit));

  describe('the forget sequence', () => {
    it('numbers each forget from 1, in order; forgetting again takes no number', async () => {
      expect(await positions()).toEqual({ head: 0n, watermark: 0n });
      await recorder.append([storedEvent('f-a', 1)], {
        dataKeys: [
          { subject: 'alice', wrapped: Uint8Array.of(1) },
          { subject: 'bob', wrapped: Uint8Array.of(2) },
        ],
      });
      expect(await recorder.forgetDataKey('bob')).toBe(true);
      expect(await recorder.forgetDataKey('nobody')).toBe(false); // a new tombstone: numbered too
      expect(await recorder.forgetDataKey('bob')).toBe(false);
      expect(await recorder.forgetDataKey('alice')).toBe(true);
      expect((await positions()).head).toBe(3n);
      expect(await between(0n, 3n)).toEqual([
        { subject: 'bob', sequence: 1n },
        { subject: 'nobody', sequence: 2n },
        { subject: 'alice', sequence: 3n },
      ]);
      expect(await between(1n, 3n, 1)).toEqual([{ subject: 'nobody', sequence: 2n }]);
      expect(await between(3n, 3n)).toEqual([]);
    });

    it('moves a watermark up (never down) when its transaction commits, per (application, upstream)', async () => {
      for (const subject of ['a', 'b', 'c']) await recorder.forgetDataKey(subject);
      await recorder.transaction((tx) => tx.forgets.advance('P', 'U', 2n));
      await recorder.transaction((tx) => tx.forgets.advance('P', 'U', 1n));
      expect(await positions()).toEqual({ head: 3n, watermark: 2n });
      await expect(
        recorder.transaction(async (tx) => {
          await tx.forgets.advance('P', 'U', 3n);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await positions()).watermark).toBe(2n);
      expect(await recorder.transaction((tx) => tx.forgets.positions('Q', 'U'))).toEqual({ head: 3n, watermark: 0n });
    });
  });
}
