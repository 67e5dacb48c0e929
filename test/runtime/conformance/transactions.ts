/**
 * `Recorder.transaction`: the work's own statements, the tracking position and parked events
 * commit together or not at all; a position that does not continue from where the work began is
 * refused. Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EventforgeError, IntegrityError, RecorderArgumentError } from '../../../runtime/errors.js';
import type { ParkedEvent, Recorder, RecorderTransaction, Tracking } from '../../../runtime/recorder.js';
import { type CurrentRecorder, rejection } from './helpers.js';

const PROJECTION = 'Counts';
const UPSTREAM = 'eventforge.log';
const at = (notificationId: bigint): Tracking => ({ application: PROJECTION, upstream: UPSTREAM, notificationId });
const parked = (notificationId: bigint, attempts = 3): ParkedEvent => ({
  projection: PROJECTION,
  notificationId,
  topic: 'Test.Thing.Happened',
  error: `boom at ${notificationId}`,
  attempts,
  parkedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, Number(notificationId))),
});

/**
 * A counter the work increments: a table on the SQL stores, a variable changed on commit in
 * memory (where a projection keeps its view itself).
 */
class Counter {
  #memory = 0;
  async create(recorder: Recorder): Promise<void> {
    await recorder.transaction(async (tx) => {
      if (tx.provider !== 'memory') await tx.execute('CREATE TABLE IF NOT EXISTS counter_view (n INTEGER NOT NULL)');
      if (tx.provider !== 'memory') await tx.execute('INSERT INTO counter_view (n) VALUES (0)');
    });
  }
  async add(tx: RecorderTransaction, by: number): Promise<void> {
    if (tx.provider === 'memory') tx.onCommit(() => (this.#memory += by));
    else await tx.execute(`UPDATE counter_view SET n = n + ${tx.provider === 'sqlite' ? '?' : '$1'}`, [by]);
  }
  async value(recorder: Recorder): Promise<number> {
    let n = this.#memory;
    await recorder.transaction(async (tx) => {
      if (tx.provider !== 'memory') n = Number((await tx.query<{ n: unknown }>('SELECT n FROM counter_view'))[0]!.n);
    });
    return n;
  }
}

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function transactionCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  let counter: Counter;
  beforeEach(async () => {
    recorder = current();
    counter = new Counter();
    await counter.create(recorder);
  });

  describe('transaction: the work and its tracking commit together', () => {
    it('commits the work with the tracking position, runs onCommit after, and returns the work’s value', async () => {
      const order: string[] = [];
      const value = await recorder.transaction(
        async (tx) => {
          await counter.add(tx, 5);
          tx.onCommit(() => order.push('committed'));
          order.push('work');
          return 'done';
        },
        { tracking: at(4n) },
      );
      expect(value).toBe('done');
      expect(order).toEqual(['work', 'committed']);
      expect(await counter.value(recorder)).toBe(5);
      expect(await recorder.maxTrackingId(PROJECTION, UPSTREAM)).toBe(4n);
    });

    it('a work that throws leaves nothing: no rows, no tracking, no parked event, no onCommit', async () => {
      let called = false;
      const error = await rejection(
        recorder.transaction(
          async (tx) => {
            await counter.add(tx, 5);
            tx.onCommit(() => (called = true));
            throw new Error('handler failed');
          },
          { tracking: at(4n), park: [parked(2n)] },
        ),
      );
      expect(error.message).toBe('handler failed');
      expect(called).toBe(false);
      expect(await counter.value(recorder)).toBe(0);
      expect(await recorder.maxTrackingId(PROJECTION, UPSTREAM)).toBe(0n);
      expect(await recorder.parkedEvents()).toEqual([]);
    });

    it('a refused tracking position rolls back the work’s statements', async () => {
      await recorder.transaction((tx) => counter.add(tx, 1), { tracking: at(10n) });
      const error = await rejection(recorder.transaction((tx) => counter.add(tx, 7), { tracking: at(10n) }));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(await counter.value(recorder)).toBe(1);
    });

    it('trackingFrom: continues only from the stored position, and keeps one row per projection', async () => {
      await recorder.transaction((tx) => counter.add(tx, 1), { tracking: at(3n), trackingFrom: 0n });
      await recorder.transaction((tx) => counter.add(tx, 1), { tracking: at(9n), trackingFrom: 3n });
      expect(await recorder.maxTrackingId(PROJECTION, UPSTREAM)).toBe(9n);
      expect(await recorder.hasTracking(PROJECTION, UPSTREAM, 3n)).toBe(false);
      // A runner that still believes the position is 3 must not apply 4..12 again.
      const stale = await rejection(
        recorder.transaction((tx) => counter.add(tx, 100), { tracking: at(12n), trackingFrom: 3n }),
      );
      expect(stale).toBeInstanceOf(IntegrityError);
      expect(stale.message).toMatch(/Counts .*continuing from 3.*position is 9/);
      const fresh = await rejection(
        recorder.transaction((tx) => counter.add(tx, 100), { tracking: at(12n), trackingFrom: 0n }),
      );
      expect(fresh).toBeInstanceOf(IntegrityError);
      expect(await counter.value(recorder)).toBe(2);
      expect(await recorder.maxTrackingId(PROJECTION, UPSTREAM)).toBe(9n);
    });

    it('two runners continuing from the same position at once: exactly one commits', async () => {
      await recorder.transaction(async () => undefined, { tracking: at(5n), trackingFrom: 0n });
      const results = await Promise.allSettled(
        [10n, 11n].map((to) =>
          recorder.transaction((tx) => counter.add(tx, 1), { tracking: at(to), trackingFrom: 5n }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(IntegrityError);
      expect(await counter.value(recorder)).toBe(1);
    });

    it('parks and unparks events with the work; parking again replaces the record', async () => {
      await recorder.transaction(async () => undefined, { park: [parked(7n), parked(2n)] });
      await recorder.transaction(async () => undefined, { park: [{ ...parked(7n, 5), projection: 'Other' }] });
      await recorder.transaction(async () => undefined, { park: [parked(7n, 4)] });
      expect(await recorder.parkedEvents(PROJECTION)).toEqual([parked(2n), parked(7n, 4)]);
      expect((await recorder.parkedEvents()).map((p) => p.projection)).toEqual([PROJECTION, PROJECTION, 'Other']);
      await recorder.transaction(async () => undefined, { unpark: [{ projection: PROJECTION, notificationId: 2n }] });
      expect(await recorder.parkedEvents(PROJECTION)).toEqual([parked(7n, 4)]);
    });

    it('refuses options outside the contract with RecorderArgumentError, before running the work', async () => {
      let ran = false;
      const work = async () => {
        ran = true;
      };
      const bad = [
        { trackingFrom: 1n },
        { tracking: at(0n) },
        { tracking: at(2n), trackingFrom: -1n },
        { park: [{ ...parked(1n), attempts: 0 }] },
        { unpark: [{ projection: '', notificationId: 1n }] },
        { trackingForm: 1n },
      ];
      for (const options of bad) {
        await expect(recorder.transaction(work, options as never)).rejects.toBeInstanceOf(RecorderArgumentError);
      }
      expect(ran).toBe(false);
    });

    it('SQL on the in-memory store fails with an error that says what to do; a SQL store runs it', async () => {
      const outcome = await recorder
        .transaction((tx) => tx.query('SELECT 1 AS one'))
        .then(
          (rows) => ({ rows }),
          (error: unknown) => ({ error }),
        );
      if ('rows' in outcome) {
        expect(outcome.rows.map((r) => Number(r.one))).toEqual([1]);
      } else {
        expect(outcome.error).toBeInstanceOf(EventforgeError);
        expect((outcome.error as Error).message).toMatch(/in-memory recorder runs no SQL.*onCommit/);
      }
    });
  });
}
