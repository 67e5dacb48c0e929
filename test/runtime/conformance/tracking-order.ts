/**
 * Tracking positions of one (application, upstream) only go up: a position at or below the last
 * is refused with IntegrityError and nothing of its append is stored, also when appends race.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../runtime/errors.js';
import type { Recorder, Tracking } from '../../../runtime/recorder.js';
import { type CurrentRecorder, range, rejection, storedEvent, versions } from './helpers.js';

const at = (notificationId: bigint, application = 'Counter', upstream = 'DogSchool'): { tracking: Tracking } => ({
  tracking: { application, upstream, notificationId },
});

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function trackingOrderCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('tracking positions only go up', () => {
    it('a position below the last is refused with IntegrityError; neither it nor its events are stored', async () => {
      await recorder.append([storedEvent('s', 1)], at(10n));
      const before = await recorder.maxNotificationId();
      const error = await rejection(recorder.append([storedEvent('s', 2), storedEvent('t', 1)], at(3n)));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error.message).toMatch(/Counter .*notification 3 of DogSchool.*up to 10/);
      expect(await recorder.hasTracking('Counter', 'DogSchool', 3n)).toBe(false);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(10n);
      expect(versions(await recorder.readStream('s'))).toEqual([1]);
      expect(await recorder.readStream('t')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(before);
      // The next position above the last goes through with the same events.
      await recorder.append([storedEvent('s', 2), storedEvent('t', 1)], at(11n));
      expect(versions(await recorder.readStream('s'))).toEqual([1, 2]);
    });

    it('a tracking record without events below the last is refused too', async () => {
      await recorder.append([], at(7n));
      await expect(recorder.append([], at(6n))).rejects.toBeInstanceOf(IntegrityError);
      await expect(recorder.append([], at(1n))).rejects.toBeInstanceOf(IntegrityError);
      expect(await recorder.hasTracking('Counter', 'DogSchool', 6n)).toBe(false);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(7n);
    });

    it('gaps are fine: every position above the last is accepted', async () => {
      for (const id of [2n, 5n, 6n, 100n]) await recorder.append([], at(id));
      for (const id of [2n, 5n, 6n, 100n]) expect(await recorder.hasTracking('Counter', 'DogSchool', id)).toBe(true);
      expect(await recorder.hasTracking('Counter', 'DogSchool', 3n)).toBe(false);
    });

    it('each (application, upstream) has its own order', async () => {
      await recorder.append([], at(10n));
      await recorder.append([], at(3n, 'Counter', 'Other'));
      await recorder.append([], at(3n, 'Other', 'DogSchool'));
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(10n);
      expect(await recorder.maxTrackingId('Counter', 'Other')).toBe(3n);
      expect(await recorder.maxTrackingId('Other', 'DogSchool')).toBe(3n);
    });

    it('racing appends of one position: exactly one wins, with or without events', async () => {
      await recorder.append([], at(4n));
      const results = await Promise.allSettled(
        range(1, 6).map((i) => recorder.append(i % 2 === 0 ? [] : [storedEvent(`race-${i}`, 1)], at(5n))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(IntegrityError);
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log.map((n) => n.streamId)).toEqual(winner % 2 === 0 ? [] : [`race-${winner}`]);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(5n);
    });

    it('racing appends of many positions: the accepted ones increase in commit order, the rest store nothing', async () => {
      // Positions in a scrambled order; each append writes one event to its own stream, so the
      // event's notification id shows where the append committed.
      const positions = [6n, 2n, 9n, 4n, 8n, 1n, 7n, 3n, 5n];
      const results = await Promise.allSettled(
        positions.map((p) => recorder.append([storedEvent(`p-${p}`, 1)], at(p))),
      );
      const accepted: { position: bigint; id: bigint }[] = [];
      for (const [i, r] of results.entries()) {
        const position = positions[i]!;
        if (r.status === 'fulfilled') {
          accepted.push({ position, id: r.value[0]! });
        } else {
          expect(r.reason).toBeInstanceOf(IntegrityError);
          expect(await recorder.readStream(`p-${position}`)).toEqual([]);
          expect(await recorder.hasTracking('Counter', 'DogSchool', position)).toBe(false);
        }
      }
      expect(accepted.length).toBeGreaterThan(0);
      accepted.sort((a, b) => (a.id < b.id ? -1 : 1));
      for (let i = 1; i < accepted.length; i++) expect(accepted[i]!.position > accepted[i - 1]!.position).toBe(true);
      expect(await recorder.maxTrackingId('Counter', 'DogSchool')).toBe(accepted.at(-1)!.position);
      const log = await recorder.readNotifications({ start: 1n, limit: 100 });
      expect(log.map((n) => n.streamId)).toEqual(accepted.map((a) => `p-${a.position}`));
    });
  });
}
