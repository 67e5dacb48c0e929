/**
 * Snapshots: latest at or below a version, streams apart, duplicates ignored, apart from the log.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Recorder } from '../../../runtime/recorder.js';
import { type CurrentRecorder, encoder, payload, range, snapshot, storedEvent, versions } from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function snapshotCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('snapshots', () => {
    it('none at first', async () => {
      expect(await recorder.latestSnapshot('s')).toBeUndefined();
      expect(await recorder.latestSnapshot('s', 10)).toBeUndefined();
    });

    it('stores every field and returns the latest', async () => {
      await recorder.saveSnapshot(snapshot('s', 10, { schemaVersion: 2 }));
      await recorder.saveSnapshot(snapshot('s', 30));
      await recorder.saveSnapshot(snapshot('s', 20));
      const latest = await recorder.latestSnapshot('s');
      expect(latest?.version).toBe(30);
      expect(latest?.streamId).toBe('s');
      expect(latest?.topic).toBe('Test.Thing');
      expect(latest?.timestamp.getTime()).toBe(snapshot('s', 30).timestamp.getTime());
      expect(payload(latest!)).toEqual({ snapshotOf: 's', version: 30 });
      expect((await recorder.latestSnapshot('s', 10))?.schemaVersion).toBe(2);
    });

    it('latest at or below a version', async () => {
      for (const v of [10, 20, 30]) await recorder.saveSnapshot(snapshot('s', v));
      expect((await recorder.latestSnapshot('s', 30))?.version).toBe(30);
      expect((await recorder.latestSnapshot('s', 29))?.version).toBe(20);
      expect((await recorder.latestSnapshot('s', 20))?.version).toBe(20);
      expect((await recorder.latestSnapshot('s', 10))?.version).toBe(10);
      expect(await recorder.latestSnapshot('s', 9)).toBeUndefined();
      expect((await recorder.latestSnapshot('s', 1000))?.version).toBe(30);
    });

    it('keeps streams apart', async () => {
      await recorder.saveSnapshot(snapshot('one', 5));
      await recorder.saveSnapshot(snapshot('two', 7));
      expect((await recorder.latestSnapshot('one'))?.version).toBe(5);
      expect((await recorder.latestSnapshot('two'))?.version).toBe(7);
      expect(await recorder.latestSnapshot('three')).toBeUndefined();
    });

    it('a second snapshot of the same stream and version is ignored', async () => {
      await recorder.saveSnapshot(snapshot('s', 10));
      await recorder.saveSnapshot(snapshot('s', 10, { state: encoder.encode('"other"') }));
      expect(payload((await recorder.latestSnapshot('s'))!)).toEqual({ snapshotOf: 's', version: 10 });
    });

    it('round-trips binary snapshot state', async () => {
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
      await recorder.saveSnapshot(snapshot('b', 1, { state: bytes }));
      expect(Array.from((await recorder.latestSnapshot('b'))!.state)).toEqual(Array.from(bytes));
    });

    it('snapshots are apart from the event log', async () => {
      await recorder.saveSnapshot(snapshot('s', 3));
      expect(await recorder.readStream('s')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0n);
      await recorder.append([storedEvent('s', 1)]);
      expect(versions(await recorder.readStream('s'))).toEqual([1]);
    });

    it('concurrent saves of the same snapshot do not fail', async () => {
      await Promise.all(range(1, 5).map(() => recorder.saveSnapshot(snapshot('s', 4))));
      expect((await recorder.latestSnapshot('s'))?.version).toBe(4);
    });
  });
}
