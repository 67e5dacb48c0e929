/**
 * Optimistic concurrency: conflicts, atomicity across streams, retries, concurrent appends.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../../runtime/errors.js';
import type { Recorder } from '../../../runtime/recorder.js';
import {
  appendWithRetry,
  type CurrentRecorder,
  encoder,
  expectIncreasing,
  payload,
  range,
  rejection,
  storedEvent,
  versions,
} from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function concurrencyCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('optimistic concurrency', () => {
    it('refuses a version that exists, with stream id, expected and actual version', async () => {
      await recorder.append(range(1, 3).map((v) => storedEvent('c', v)));
      const error = await rejection(recorder.append([storedEvent('c', 2)]));
      expect(error).toBeInstanceOf(ConcurrencyError);
      const conflict = error as ConcurrencyError;
      expect(conflict.streamId).toBe('c');
      expect(conflict.expectedVersion).toBe(1);
      expect(conflict.actualVersion).toBe(3);
      expect(conflict.message).toContain('c');
    });

    it('refuses a second creation of the same stream', async () => {
      await recorder.append([storedEvent('new', 1)]);
      const error = await rejection(recorder.append([storedEvent('new', 1), storedEvent('new', 2)]));
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).streamId).toBe('new');
      expect((error as ConcurrencyError).expectedVersion).toBe(0);
      expect((error as ConcurrencyError).actualVersion).toBe(1);
      expect(versions(await recorder.readStream('new'))).toEqual([1]);
    });

    it('refuses a batch that repeats a version', async () => {
      const error = await rejection(recorder.append([storedEvent('dup', 1), storedEvent('dup', 1)]));
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(await recorder.readStream('dup')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0n);
    });

    it('a rejected append changes nothing, in any stream', async () => {
      await recorder.append([storedEvent('x', 1), storedEvent('y', 1), storedEvent('y', 2)]);
      const before = await recorder.maxNotificationId();
      // x is fine, z is new, y conflicts: nothing of the three may be stored.
      const error = await rejection(
        recorder.append([storedEvent('x', 2), storedEvent('z', 1), storedEvent('y', 2), storedEvent('y', 3)]),
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).streamId).toBe('y');
      expect(versions(await recorder.readStream('x'))).toEqual([1]);
      expect(versions(await recorder.readStream('y'))).toEqual([1, 2]);
      expect(await recorder.readStream('z')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(before);
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log.map((n) => `${n.streamId}@${n.version}`)).toEqual(['x@1', 'y@1', 'y@2']);
    });

    it('a retry after a conflict succeeds (a rejected append bumps no stream header)', async () => {
      await recorder.append([storedEvent('h', 1)]);
      await expect(recorder.append([storedEvent('h', 1)])).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(recorder.append([storedEvent('h', 1), storedEvent('h', 2)])).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      // The correct next version must still be accepted, and be readable.
      const ids = await recorder.append([storedEvent('h', 2)]);
      expect(ids).toHaveLength(1);
      expect(versions(await recorder.readStream('h'))).toEqual([1, 2]);
      // And a new stream refused as part of a failed batch can be created afterwards.
      await expect(recorder.append([storedEvent('fresh', 1), storedEvent('h', 2)])).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      await recorder.append([storedEvent('fresh', 1)]);
      expect(versions(await recorder.readStream('fresh'))).toEqual([1]);
      expect(versions(await recorder.readStream('h'))).toEqual([1, 2]);
    });

    it('ids after a conflict still increase', async () => {
      const [first] = await recorder.append([storedEvent('g', 1)]);
      await expect(recorder.append([storedEvent('g', 1)])).rejects.toBeInstanceOf(ConcurrencyError);
      const [second] = await recorder.append([storedEvent('g', 2)]);
      expect(second! > first!).toBe(true);
      expect(await recorder.maxNotificationId()).toBe(second);
    });
  });

  describe('concurrent appends (Promise.all)', () => {
    it('of the same version: exactly one wins, the others get ConcurrencyError', async () => {
      const results = await Promise.allSettled(
        range(1, 8).map((w) =>
          recorder.append([
            storedEvent('race', 1, 'Test.Thing.Happened', { state: encoder.encode(JSON.stringify({ w })) }),
            storedEvent('race', 2),
          ]),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      expect(versions(await recorder.readStream('race'))).toEqual([1, 2]);
      expect((await recorder.readNotifications({ start: 1n, limit: 100 })).length).toBe(2);
    });

    it('to different streams: all succeed with distinct, increasing ids per append', async () => {
      const all = await Promise.all(
        range(1, 10).map((i) => recorder.append([storedEvent(`p-${i}`, 1), storedEvent(`p-${i}`, 2)])),
      );
      const ids = all.flat();
      expect(new Set(ids).size).toBe(20);
      for (const pair of all) expectIncreasing(pair);
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log).toHaveLength(20);
      expectIncreasing(log.map((n) => n.id));
      expect([...log.map((n) => n.id)].sort((a, b) => (a < b ? -1 : 1))).toEqual(
        [...ids].sort((a, b) => (a < b ? -1 : 1)),
      );
    });

    it('writers retrying on conflict leave every stream with contiguous versions', async () => {
      const writers = 4;
      const perWriter = 6;
      const streams = ['w-1', 'w-2'];
      const conflicts = await Promise.all(
        range(1, writers).flatMap((w) => streams.map((s) => appendWithRetry(recorder, s, perWriter, w))),
      );
      for (const s of streams) {
        const read = await recorder.readStream(s);
        expect(versions(read)).toEqual(range(1, writers * perWriter));
        // Every writer's events are all there, exactly once.
        const seen = read.map((e) => JSON.stringify(payload(e)));
        expect(new Set(seen).size).toBe(writers * perWriter);
      }
      // Interleaved writers do collide; every collision was a typed ConcurrencyError (else appendWithRetry threw).
      expect(conflicts).toHaveLength(writers * streams.length);
      const log = await recorder.readNotifications({ start: 1n, limit: 1000 });
      expect(log).toHaveLength(writers * perWriter * streams.length);
      expectIncreasing(log.map((n) => n.id));
    });
  });
}
