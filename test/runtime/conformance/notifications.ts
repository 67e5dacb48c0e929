/**
 * The notification log (order, paging, stop, topics, 64-bit ids) and tracking records.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, IntegrityError } from '../../../runtime/errors.js';
import type { Notification, Recorder } from '../../../runtime/recorder.js';
import { type CurrentRecorder, payload, range, rejection, storedEvent, versions } from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function notificationCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('notification log', () => {
    let ids: bigint[];

    beforeEach(async () => {
      ids = [];
      ids.push(
        ...(await recorder.append([storedEvent('n-a', 1, 'T.A.Created'), storedEvent('n-b', 1, 'T.B.Created')])),
      );
      ids.push(...(await recorder.append([storedEvent('n-a', 2, 'T.A.Changed')])));
      ids.push(
        ...(await recorder.append([storedEvent('n-b', 2, 'T.B.Changed'), storedEvent('n-a', 3, 'T.A.Changed')])),
      );
      ids.push(...(await recorder.append([storedEvent('n-c', 1, 'T.C.Created')])));
    });

    it('reads everything in global order with ids matching the append results', async () => {
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log.map((n) => n.id)).toEqual(ids);
      expect(log.map((n) => `${n.streamId}@${n.version}:${n.topic}`)).toEqual([
        'n-a@1:T.A.Created',
        'n-b@1:T.B.Created',
        'n-a@2:T.A.Changed',
        'n-b@2:T.B.Changed',
        'n-a@3:T.A.Changed',
        'n-c@1:T.C.Created',
      ]);
      for (const n of log) {
        expect(typeof n.id).toBe('bigint');
        expect(payload(n)).toEqual({ streamId: n.streamId, version: n.version });
        expect(n.schemaVersion).toBe(1);
        expect(n.timestamp).toBeInstanceOf(Date);
      }
    });

    it('readLog returns the same page and how far it is complete', async () => {
      const last = ids.at(-1)!;
      // A short page: complete up to the head; with a topic filter, past its last event.
      expect(await recorder.readLog({ start: 1n, limit: 100 })).toEqual({
        notifications: await recorder.readNotifications({ start: 1n, limit: 100 }),
        upTo: last,
      });
      const changed = await recorder.readLog({ start: 1n, limit: 100, topics: ['T.A.Changed'] });
      expect(changed.notifications.map((n) => n.id)).toEqual([ids[2], ids[4]]);
      expect(changed.upTo).toBe(last);
      // A full page: complete up to its last event only (more may match after it).
      expect((await recorder.readLog({ start: 1n, limit: 1, topics: ['T.A.Changed'] })).upTo).toBe(ids[2]);
      // Never past stop; nothing covered: start - 1.
      expect((await recorder.readLog({ start: 1n, limit: 100, stop: ids[3]!, topics: ['T.C.Created'] })).upTo).toBe(
        ids[3],
      );
      expect(await recorder.readLog({ start: ids[1]!, limit: 0 })).toEqual({ notifications: [], upTo: ids[0] });
      expect(await recorder.readLog({ start: last + 5n, limit: 10 })).toEqual({ notifications: [], upTo: last + 4n });
    });

    it('payloads: false returns the same notifications and upTo; only state may be left empty', async () => {
      const options = { start: 1n, limit: 4, topics: ['T.A.Changed', 'T.B.Created'] };
      const full = await recorder.readLog(options);
      const envelopes = await recorder.readLog({ ...options, payloads: false });
      expect(envelopes.upTo).toBe(full.upTo);
      const withoutState = (n: Notification) => ({ ...n, state: undefined });
      expect(envelopes.notifications.map(withoutState)).toEqual(full.notifications.map(withoutState));
      for (const n of envelopes.notifications) expect(n.state).toBeInstanceOf(Uint8Array);
    });

    it('max notification id is the last id', async () => {
      expect(await recorder.maxNotificationId()).toBe(ids.at(-1));
    });

    it('start is inclusive', async () => {
      const log = await recorder.readNotifications({ start: ids[2]!, limit: 100 });
      expect(log.map((n) => n.id)).toEqual(ids.slice(2));
      const beyond = await recorder.readNotifications({ start: ids.at(-1)! + 1n, limit: 100 });
      expect(beyond).toEqual([]);
    });

    it('limit pages through the log', async () => {
      const pages: bigint[][] = [];
      let start = 1n;
      for (;;) {
        const page = await recorder.readNotifications({ start, limit: 4 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        pages.push(page.map((n) => n.id));
        start = page.at(-1)!.id + 1n;
      }
      expect(pages.map((p) => p.length)).toEqual([4, 2]);
      expect(pages.flat()).toEqual(ids);
    });

    it('stop is inclusive', async () => {
      const log = await recorder.readNotifications({ start: ids[1]!, limit: 100, stop: ids[3]! });
      expect(log.map((n) => n.id)).toEqual(ids.slice(1, 4));
      const one = await recorder.readNotifications({ start: ids[2]!, limit: 100, stop: ids[2]! });
      expect(one.map((n) => n.id)).toEqual([ids[2]]);
      const none = await recorder.readNotifications({ start: ids[3]!, limit: 100, stop: ids[2]! });
      expect(none).toEqual([]);
    });

    it('limit and stop together: whichever comes first', async () => {
      const byLimit = await recorder.readNotifications({ start: 1n, limit: 2, stop: ids[4]! });
      expect(byLimit.map((n) => n.id)).toEqual(ids.slice(0, 2));
      const byStop = await recorder.readNotifications({ start: 1n, limit: 5, stop: ids[1]! });
      expect(byStop.map((n) => n.id)).toEqual(ids.slice(0, 2));
    });

    it('topics filter, and the limit counts only matching notifications', async () => {
      const changed = await recorder.readNotifications({
        start: 1n,
        limit: 100,
        topics: ['T.A.Changed', 'T.B.Changed'],
      });
      expect(changed.map((n) => n.topic)).toEqual(['T.A.Changed', 'T.B.Changed', 'T.A.Changed']);
      expect(changed.map((n) => n.id)).toEqual([ids[2], ids[3], ids[4]]);
      const first = await recorder.readNotifications({ start: 1n, limit: 1, topics: ['T.C.Created'] });
      expect(first.map((n) => n.streamId)).toEqual(['n-c']);
      const two = await recorder.readNotifications({ start: 1n, limit: 2, topics: ['T.A.Changed'] });
      expect(two.map((n) => n.id)).toEqual([ids[2], ids[4]]);
    });

    it('topics with start and stop', async () => {
      const log = await recorder.readNotifications({
        start: ids[1]!,
        limit: 100,
        stop: ids[3]!,
        topics: ['T.B.Created', 'T.B.Changed', 'T.C.Created'],
      });
      expect(log.map((n) => n.id)).toEqual([ids[1], ids[3]]);
    });

    it('an empty topic list means all topics; an unknown topic matches nothing', async () => {
      expect(await recorder.readNotifications({ start: 1n, limit: 100, topics: [] })).toHaveLength(6);
      expect(await recorder.readNotifications({ start: 1n, limit: 100, topics: ['No.Such.Topic'] })).toEqual([]);
    });

    it('ids are 64-bit: start far beyond any id returns nothing', async () => {
      const huge = 2n ** 62n;
      expect(await recorder.readNotifications({ start: huge, limit: 10 })).toEqual([]);
      const all = await recorder.readNotifications({ start: 1n, limit: 10, stop: huge });
      expect(all).toHaveLength(6);
    });
  });

  describe('tracking', () => {
    it('starts with no tracking', async () => {
      expect(await recorder.maxTrackingId('downstream', 'upstream')).toBe(0n);
      expect(await recorder.hasTracking('downstream', 'upstream', 1n)).toBe(false);
    });

    it('records tracking with the events, atomically', async () => {
      await recorder.append([storedEvent('t-1', 1)], {
        tracking: { application: 'Counter', upstream: 'DogSchool', notificationId: 5n },
      });
      expect(await recorder.hasTracking('Counter', 'DogSchool', 5n)).toBe(true);
      expect(await recorder.hasTracking('Counter', 'DogSchool', 4n)).toBe(false);
      expect(await recorder.hasTracking('Counter', 'Other', 5n)).toBe(false);
      expect(await recorder.hasTracking('Other', 'DogSchool', 5n)).toBe(false);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(5n);
      expect(versions(await recorder.readStream('t-1'))).toEqual([1]);
    });

    it('records tracking without events', async () => {
      await recorder.append([], { tracking: { application: 'Counter', upstream: 'DogSchool', notificationId: 3n } });
      expect(await recorder.hasTracking('Counter', 'DogSchool', 3n)).toBe(true);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(3n);
    });

    it('max tracking id is the highest per (application, upstream)', async () => {
      const track = (application: string, upstream: string, notificationId: bigint) => ({
        tracking: { application, upstream, notificationId },
      });
      await recorder.append([], track('A', 'Up', 3n));
      await recorder.append([], track('A', 'Up', 7n));
      await recorder.append([], track('A', 'Other', 20n));
      await recorder.append([], track('B', 'Up', 11n));
      expect(await recorder.maxTrackingId('A', 'Up')).toBe(7n);
      expect(await recorder.maxTrackingId('A', 'Other')).toBe(20n);
      expect(await recorder.maxTrackingId('B', 'Up')).toBe(11n);
      expect(await recorder.maxTrackingId('B', 'Other')).toBe(0n);
    });

    it('a duplicate tracking record raises IntegrityError and stores nothing', async () => {
      const tracking = { application: 'Counter', upstream: 'DogSchool', notificationId: 9n };
      await recorder.append([storedEvent('d', 1)], { tracking });
      const before = await recorder.maxNotificationId();
      const error = await rejection(recorder.append([storedEvent('d', 2), storedEvent('e', 1)], { tracking }));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(versions(await recorder.readStream('d'))).toEqual([1]);
      expect(await recorder.readStream('e')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(before);
      // The same events with the next tracking id go through.
      await recorder.append([storedEvent('d', 2), storedEvent('e', 1)], {
        tracking: { ...tracking, notificationId: 10n },
      });
      expect(versions(await recorder.readStream('d'))).toEqual([1, 2]);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(10n);
    });

    it('a conflicting append stores no tracking record', async () => {
      await recorder.append([storedEvent('k', 1)]);
      const tracking = { application: 'Counter', upstream: 'DogSchool', notificationId: 1n };
      await expect(recorder.append([storedEvent('k', 1)], { tracking })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await recorder.hasTracking('Counter', 'DogSchool', 1n)).toBe(false);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(0n);
      // Processing the same notification again (correctly) then succeeds.
      await recorder.append([storedEvent('k', 2)], { tracking });
      expect(await recorder.hasTracking('Counter', 'DogSchool', 1n)).toBe(true);
    });

    it('tracking ids are 64-bit', async () => {
      const big = 2n ** 62n + 12345n;
      await recorder.append([], { tracking: { application: 'A', upstream: 'U', notificationId: big } });
      expect(await recorder.maxTrackingId('A', 'U')).toBe(big);
      expect(await recorder.hasTracking('A', 'U', big)).toBe(true);
      expect(await recorder.hasTracking('A', 'U', big - 1n)).toBe(false);
    });

    it('concurrent processing of one notification: exactly one succeeds', async () => {
      const tracking = { application: 'Counter', upstream: 'DogSchool', notificationId: 42n };
      const results = await Promise.allSettled(
        range(1, 5).map((i) => recorder.append([storedEvent(`once-${i}`, 1)], { tracking })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(IntegrityError);
      }
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log).toHaveLength(1);
    });
  });
}
