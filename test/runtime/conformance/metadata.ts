/**
 * Event metadata: stored with each event as given (or absent), returned by stream and log reads,
 * never mixed up between the events of one append, refused whole when malformed.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RecorderArgumentError } from '../../../runtime/errors.js';
import type { Recorder } from '../../../runtime/recorder.js';
import { type CurrentRecorder, rejection, storedEvent } from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function metadataCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('event metadata', () => {
    const caused = { causationId: 'Orders:7', correlationId: 'Orders:3', userId: 'u-1' };
    const unusual = { 'key with spaces': 'ünïcødé ✓ "quoted" \\ back', empty: '' };

    it('stores each event its own metadata, or none, and returns it from stream and log reads', async () => {
      await recorder.append(
        [
          storedEvent('m-a', 1, 'T.A.Created', { metadata: caused }),
          storedEvent('m-a', 2),
          storedEvent('m-b', 1, 'T.B.Created', { metadata: unusual }),
        ],
        { tracking: { application: 'A', upstream: 'Orders', notificationId: 7n } },
      );
      await recorder.append([storedEvent('m-a', 3, 'T.A.Changed', { metadata: { requestId: 'r-9' } })]);
      const log = await recorder.readNotifications({ start: 1n, limit: 10 });
      expect(log.map((n) => n.metadata)).toEqual([caused, undefined, unusual, { requestId: 'r-9' }]);
      expect(log.map((n) => 'metadata' in n)).toEqual([true, false, true, true]);
      expect((await recorder.readStream('m-a')).map((e) => e.metadata)).toEqual([
        caused,
        undefined,
        { requestId: 'r-9' },
      ]);
      expect((await recorder.readStream('m-a', { after: 2, upTo: 3 }))[0]?.metadata).toEqual({ requestId: 'r-9' });
      const filtered = await recorder.readNotifications({ start: 1n, limit: 10, topics: ['T.B.Created'] });
      expect(filtered.map((n) => n.metadata)).toEqual([unusual]);
    });

    it('keeps what is stored from the caller: changing the given object later changes nothing', async () => {
      const given: Record<string, string> = { userId: 'u-1' };
      await recorder.append([storedEvent('m-c', 1, 'T.C.Created', { metadata: given })]);
      given['userId'] = 'changed';
      expect((await recorder.readStream('m-c'))[0]?.metadata).toEqual({ userId: 'u-1' });
    });

    it('refuses metadata that is not an object of strings, naming the key, and stores nothing', async () => {
      for (const [metadata, argument] of [
        [{ userId: 42 }, 'events[1].metadata.userId'],
        [{ userId: 'a\u0000b' }, 'events[1].metadata.userId'],
        [{ '': 'x' }, 'events[1].metadata key ""'],
        [['u-1'], 'events[1].metadata'],
        [{ big: 'x'.repeat(20_000) }, 'events[1].metadata'],
      ] as const) {
        const error = await rejection(
          recorder.append([
            storedEvent('m-d', 1),
            storedEvent('m-d', 2, 'T.D.Changed', { metadata: metadata as unknown as Record<string, string> }),
          ]),
        );
        expect(error).toBeInstanceOf(RecorderArgumentError);
        expect((error as RecorderArgumentError).argument).toBe(argument);
      }
      expect(await recorder.readStream('m-d')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0n);
    });
  });
}
