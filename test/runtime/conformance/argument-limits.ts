/**
 * The extremes the recorder contract accepts, answered alike by every store: limit 0, bounds and
 * limits far beyond any version, the highest version, position and topic count, the first and
 * last storable timestamps, and notification ids beyond 2^53. Registered by arguments.ts, after
 * its seed: stream `r` at versions 1..3 (topic T.A.Created), tracking (App, Up) at 2, snapshot r@2.
 */
import { describe, expect, it } from 'vitest';
import type { Recorder } from '../../../runtime/recorder.js';
import { MAX_NAME_BYTES, MAX_POSITION, MAX_TOPICS, MAX_VERSION } from '../../../runtime/recorder-arguments.js';
import {
  type CurrentRecorder,
  expectIncreasing,
  type RecorderFactory,
  range,
  storedEvent,
  versions,
} from './helpers.js';

/** Registers these cases on the seeded recorder of arguments.ts. */
export function argumentLimitCases(current: CurrentRecorder, factory: RecorderFactory): void {
  const all = (r: Recorder) => r.readNotifications({ start: 1n, limit: 1000 });

  describe('accepted extremes', () => {
    it('limit 0 returns nothing, as SQL LIMIT 0 does', async () => {
      expect(await current().readStream('r', { limit: 0 })).toEqual([]);
      expect(await current().readStream('r', { limit: 0, descending: true })).toEqual([]);
      expect(await current().readNotifications({ start: 1n, limit: 0 })).toEqual([]);
    });

    it('the largest safe limit returns everything', async () => {
      expect(versions(await current().readStream('r', { limit: Number.MAX_SAFE_INTEGER }))).toEqual([1, 2, 3]);
      expect(await current().readNotifications({ start: 1n, limit: Number.MAX_SAFE_INTEGER })).toHaveLength(3);
    });

    it('bounds beyond the highest version behave as the highest version', async () => {
      const r = current();
      expect(versions(await r.readStream('r', { upTo: Number.MAX_SAFE_INTEGER }))).toEqual([1, 2, 3]);
      expect(versions(await r.readStream('r', { upTo: 2 ** 40, descending: true, limit: 1 }))).toEqual([3]);
      expect(await r.readStream('r', { after: 2 ** 40 })).toEqual([]);
      expect(await r.readStream('r', { after: MAX_VERSION })).toEqual([]);
      expect((await r.latestSnapshot('r', Number.MAX_SAFE_INTEGER))?.version).toBe(2);
    });

    it('start 0n reads from the first id; start and stop at 2^63 - 1', async () => {
      const r = current();
      const everything = await all(r);
      expect((await r.readNotifications({ start: 0n, limit: 10 })).map((n) => n.id)).toEqual(
        everything.map((n) => n.id),
      );
      expect(await r.readNotifications({ start: MAX_POSITION, limit: 10 })).toEqual([]);
      expect(await r.readNotifications({ start: 1n, limit: 10, stop: MAX_POSITION })).toHaveLength(3);
      expect(await r.readNotifications({ start: everything[2]!.id, limit: 10, stop: everything[1]!.id })).toEqual([]);
    });

    it(`a filter of exactly ${MAX_TOPICS} topics`, async () => {
      const topics = [...range(2, MAX_TOPICS).map((i) => `T.X.E${i}`), 'T.A.Created'];
      expect(topics).toHaveLength(MAX_TOPICS);
      expect(await current().readNotifications({ start: 1n, limit: 10, topics })).toHaveLength(3);
    });

    it('the highest version and schema version round-trip', async () => {
      const r = current();
      await r.append([storedEvent('top', MAX_VERSION, 'T.X.Y', { schemaVersion: MAX_VERSION })]);
      const [read] = await r.readStream('top', { after: MAX_VERSION - 1 });
      expect([read?.version, read?.schemaVersion]).toEqual([MAX_VERSION, MAX_VERSION]);
    });

    it(`names of ${MAX_NAME_BYTES} UTF-8 bytes round-trip (stream id, topic, tracking key)`, async () => {
      const r = current();
      const long = 'é'.repeat(MAX_NAME_BYTES / 2);
      const topic = `T.${'x'.repeat(MAX_NAME_BYTES - 2)}`;
      await r.append([storedEvent(long, 1, topic)], {
        tracking: { application: long, upstream: long, notificationId: 1n },
      });
      const [read] = await r.readStream(long);
      expect([read?.streamId, read?.topic]).toEqual([long, topic]);
      expect(await r.readNotifications({ start: 1n, limit: 10, topics: [topic] })).toHaveLength(1);
      expect(await r.maxTrackingId(long, long)).toBe(1n);
    });

    it('the first and last storable timestamps round-trip', async () => {
      const stamps = ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
      const r = current();
      await r.append(stamps.map((t, i) => storedEvent('time', i + 1, 'T.X.Y', { timestamp: new Date(t) })));
      expect((await r.readStream('time')).map((e) => e.timestamp.toISOString())).toEqual(stamps);
    });

    it('tracking position 2^63 - 1 round-trips exactly', async () => {
      const r = current();
      await r.append([], { tracking: { application: 'App', upstream: 'Up', notificationId: MAX_POSITION } });
      expect(await r.maxTrackingId('App', 'Up')).toBe(MAX_POSITION);
      expect(await r.hasTracking('App', 'Up', MAX_POSITION)).toBe(true);
      expect(await r.hasTracking('App', 'Up', MAX_POSITION - 1n)).toBe(false);
      expect(await r.hasTracking('App', 'Up', 0n)).toBe(false);
    });

    it('notification ids beyond 2^53 come back as exact bigints', async () => {
      const first = 2n ** 53n + 1n;
      const r = await factory({ firstNotificationId: first });
      try {
        const ids = await r.append([storedEvent('big', 1), storedEvent('big', 2), storedEvent('other', 1)]);
        expect(ids[0]).toBe(first);
        expectIncreasing(ids);
        // A double cannot hold this id: a store that passed it through a number would change it.
        expect(BigInt(Number(ids[0]))).not.toBe(ids[0]);
        expect(await r.maxNotificationId()).toBe(ids[2]);
        const from = await r.readNotifications({ start: ids[1]!, limit: 10 });
        expect(from.map((n) => n.id)).toEqual(ids.slice(1));
        expect((await r.readNotifications({ start: 1n, limit: 10, stop: ids[1]! })).map((n) => n.id)).toEqual(
          ids.slice(0, 2),
        );
        // A downstream application tracks such a position exactly.
        await r.append([], { tracking: { application: 'Down', upstream: 'Big', notificationId: ids[1]! } });
        expect(await r.maxTrackingId('Down', 'Big')).toBe(ids[1]);
        expect(await r.hasTracking('Down', 'Big', ids[0]!)).toBe(false);
      } finally {
        await r.close();
      }
    });
  });
}
