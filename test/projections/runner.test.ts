/**
 * Subscriptions and the projection runner on every store (memory, a SQLite file, a PostgreSQL
 * schema; skipped with a reason when no server is reachable, except under CI=true): what is
 * delivered, exactly once, read-your-writes, failures, parking, restarts and rebuilds.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Application } from '../../runtime/application.js';
import { ClosedError, IntegrityError, ProjectionError, StoppedError, TimeoutError } from '../../runtime/errors.js';
import { ProjectionRunner, PROJECTION_UPSTREAM } from '../../runtime/projection.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { dir, eventually, ids, kennel, postgresSkip, schemas, stores, TrickTally } from './fixtures.js';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});
if (postgresSkip !== undefined)
  describe.skip(`projections on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));

/** Saves `dogs` dogs with `tricks` tricks each, one save per dog; the ids of the last events. */
async function saveDogs(app: Application, dogs: number, tricks: number): Promise<bigint[]> {
  const last: bigint[] = [];
  for (let d = 0; d < dogs; d++) {
    const dog = Dog.register(`dog ${d}`);
    for (let t = 0; t < tricks; t++) dog.addTrick(`trick ${t}`);
    last.push((await app.save(dog)).at(-1)!);
  }
  return last;
}

describe.each(stores)('on the $label store', (store) => {
  let app: Application;
  const runners: ProjectionRunner[] = [];
  const runner = (projection: TrickTally, options = {}) => {
    const r = new ProjectionRunner(app, projection, { retryDelayMs: 5, ...options });
    runners.push(r);
    return r;
  };

  beforeEach(() => {
    app = kennel(store.fresh());
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await app.close();
  });

  describe('app.log.subscribe', () => {
    it('delivers the log in order, then waits at the head for new events instead of ending', async () => {
      await saveDogs(app, 2, 1); // ids 1..4
      const subscription = app.log.subscribe({ batchSize: 3 });
      const seen: bigint[] = [];
      const reading = (async () => {
        for await (const { id } of subscription) {
          seen.push(id);
          if (seen.length === 6) break;
        }
      })();
      await eventually(() => seen.length === 4);
      await saveDogs(app, 1, 1); // ids 5, 6
      await reading;
      expect(seen).toEqual(ids(1n, 6n));
      expect(subscription.stopped).toBe(true);
      // Payloads are decoded on first use of `data`, upcast like every read.
      const again = app.log.subscribe({ batchSize: 2 });
      const [registered, trick] = (await again.nextBatch())!.events;
      await again.return();
      expect(registered!.event).toMatchObject({ type: 'Registered', originatorVersion: 1, data: { name: 'dog 0' } });
      expect(trick!.event.data).toEqual({ trick: { name: 'trick 0', level: 1 } });
    });

    it('starts after a given id, filters topics, and an AbortSignal ends a waiting iterator', async () => {
      await saveDogs(app, 2, 2); // 1 R, 2-3 T, 4 R, 5-6 T
      const abort = new AbortController();
      const seen: bigint[] = [];
      const reading = (async () => {
        for await (const e of app.log.subscribe({
          after: 2n,
          topics: ['Kennel.Dog.TrickAdded'],
          signal: abort.signal,
        })) {
          seen.push(e.id);
        }
      })();
      await eventually(() => seen.length === 3);
      abort.abort();
      await reading;
      expect(seen).toEqual([3n, 5n, 6n]);
    });

    it('payloads: false delivers the same envelopes without reading payloads; data says why it is absent', async () => {
      await saveDogs(app, 2, 1); // ids 1..4
      const full = (await app.log.page(1n, 10)).events;
      const subscription = app.log.subscribe({ payloads: false, topics: ['Kennel.Dog.TrickAdded'] });
      const batch = (await subscription.nextBatch())!;
      await subscription.return();
      expect(batch.upTo).toBe(4n);
      const tricks = full.filter((e) => e.topic === 'Kennel.Dog.TrickAdded');
      expect(batch.events.map((e) => [e.id, e.topic, e.aggregate, e.event.type, e.event.originatorId])).toEqual(
        tricks.map((e) => [e.id, e.topic, e.aggregate, e.event.type, e.event.originatorId]),
      );
      expect(batch.events.map((e) => [e.event.originatorVersion, e.event.timestamp])).toEqual(
        tricks.map((e) => [e.event.originatorVersion, e.event.timestamp]),
      );
      expect(() => batch.events[0]!.event.data).toThrow(
        /payload of notification 2 was not read: it was read for its envelope only \(payloads: false\)/,
      );
      expect((await app.log.page(1n, 10, { payloads: false })).events.map((e) => e.id)).toEqual(ids(1n, 4n));
    });

    it('a read that fails ends the iterator with its error', async () => {
      await saveDogs(app, 1, 0);
      const subscription = app.log.subscribe();
      expect((await subscription.next()).value).toMatchObject({ id: 1n });
      await app.close();
      await expect(subscription.next()).rejects.toBeInstanceOf(ClosedError);
      expect(subscription.stopped).toBe(true);
    });
  });

  describe('ProjectionRunner', () => {
    /** Three dogs of two tricks caught up, then a dog of three tricks followed: the runner and its view. */
    async function catchUpAndFollow(tally: TrickTally) {
      await saveDogs(app, 3, 2);
      const r = runner(tally, { batchSize: 4 });
      await r.start();
      const [last] = await saveDogs(app, 1, 3);
      await r.wait(last!);
      return { r, view: await tally.read(app) };
    }

    it('catches up, follows the head, and wait(id) resolves once the view reflects that save', async () => {
      const { r, view } = await catchUpAndFollow(new TrickTally());
      expect([...view.tricks.values()].sort()).toEqual([2, 2, 2, 3]);
      expect(view.applied).toEqual(ids(1n, 13n));
      expect(r.position).toBe(13n);
      expect(await r.lag()).toBe(0n);
      expect(await (await app.recorder()).maxTrackingId('TrickTally', PROJECTION_UPSTREAM)).toBe(13n);
      expect(r.state).toBe('running');
    });

    it('a projection of envelopes only (payloads: false) is fed the same events, without their payloads', async () => {
      // TrickTally reads the event's type and stream only.
      const tally = Object.assign(new TrickTally('Envelopes'), { payloads: false });
      const { r, view } = await catchUpAndFollow(tally);
      expect([...view.tricks.values()].sort()).toEqual([2, 2, 2, 3]);
      expect(view.applied).toEqual(ids(1n, 13n));
      // A handler that reads data anyway fails with the reason, and the event is parked.
      tally.failOn = (e) => e.event.data === undefined;
      const [next] = await saveDogs(app, 1, 0);
      await expect(r.wait(next!)).rejects.toThrow(/payloads: false/);
    });

    it('resumes after a stop from its stored position: nothing twice, nothing lost', async () => {
      await saveDogs(app, 2, 2);
      const tally = new TrickTally();
      const first = runner(tally);
      await first.start();
      await first.wait(6n);
      await first.stop();
      await expect(first.wait(7n)).rejects.toBeInstanceOf(StoppedError);
      const [last] = await saveDogs(app, 2, 1);
      const second = runner(tally);
      await second.start();
      await second.wait(last!);
      expect((await tally.read(app)).applied).toEqual(ids(1n, 10n));
    });

    it('a topic filter: wait resolves for an id of another topic once the runner has read past it', async () => {
      const tally = new TrickTally('Tricks', 'stop', ['Kennel.Dog.TrickAdded']);
      const r = runner(tally);
      await r.start();
      const [last] = await saveDogs(app, 2, 1);
      await r.wait(last!);
      const renamed = Dog.register('Rex');
      const [registered] = await app.save(renamed); // a topic the projection ignores
      await r.wait(registered!, { timeout: 5000 });
      expect((await tally.read(app)).applied).toEqual([2n, 4n]);
      // The next consumed event commits from the stored position, which the skip did not move.
      renamed.addTrick('roll over');
      const [trick] = await app.save(renamed);
      await r.wait(trick!, { timeout: 5000 });
      expect(r.state).toBe('running');
      expect((await tally.read(app)).applied).toEqual([2n, 4n, trick]);
    });

    it('wait fails with TimeoutError when the id is not reached in time', async () => {
      const r = runner(new TrickTally());
      await r.start();
      const error = await r.wait(99n, { timeout: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/TrickTally did not reach notification 99 within 50 ms/);
    });

    it('a failing event in a batch: earlier events commit, the event is retried then parked, and `stop` fails the runner', async () => {
      await saveDogs(app, 2, 2); // ids 1..6
      const tally = new TrickTally();
      tally.failOn = (e) => e.id === 4n;
      const r = runner(tally, { maxAttempts: 3 });
      await r.start();
      const error = await r.wait(6n).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProjectionError);
      expect(error).toMatchObject({
        projection: 'TrickTally',
        notificationId: 4n,
        topic: 'Kennel.Dog.Registered',
        attempts: 3,
      });
      expect((error as Error).message).toMatch(
        /projection TrickTally failed on notification 4 \(Kennel.Dog.Registered\) after 3 attempts: cannot tally 4/,
      );
      expect(r.state).toBe('failed');
      expect(r.position).toBe(3n);
      expect((await tally.read(app)).applied).toEqual([1n, 2n, 3n]);
      const recorder = await app.recorder();
      expect(await recorder.maxTrackingId('TrickTally', PROJECTION_UPSTREAM)).toBe(3n);
      expect(await recorder.parkedEvents('TrickTally')).toMatchObject([
        { notificationId: 4n, topic: 'Kennel.Dog.Registered', error: 'cannot tally 4', attempts: 3 },
      ]);
      // Fixed and restarted: the parked event goes through in order and is unparked.
      tally.failOn = () => false;
      await r.start();
      await r.wait(6n);
      expect((await tally.read(app)).applied).toEqual(ids(1n, 6n));
      expect(await recorder.parkedEvents('TrickTally')).toEqual([]);
    });

    it('`continue`: a parked event is skipped, the rest applied; retryParked replays it once fixed', async () => {
      await saveDogs(app, 3, 1); // ids 1..6
      const tally = new TrickTally('Tolerant', 'continue');
      tally.failOn = (e) => e.id === 2n || e.id === 5n;
      const r = runner(tally, { maxAttempts: 2 });
      await r.start();
      await r.wait(6n);
      expect((await tally.read(app)).applied).toEqual([1n, 3n, 4n, 6n]);
      const recorder = await app.recorder();
      expect((await recorder.parkedEvents('Tolerant')).map((p) => [p.notificationId, p.attempts])).toEqual([
        [2n, 2],
        [5n, 2],
      ]);
      tally.failOn = (e) => e.id === 5n;
      expect(await r.retryParked()).toEqual([2n]);
      expect((await tally.read(app)).applied).toEqual([1n, 2n, 3n, 4n, 6n]);
      expect(await recorder.parkedEvents('Tolerant')).toMatchObject([{ notificationId: 5n, attempts: 3 }]);
      expect(r.state).toBe('running');
    });

    it('a second runner of the same projection is refused rather than apply a batch twice', async () => {
      await saveDogs(app, 5, 3);
      const tally = new TrickTally();
      const a = runner(tally, { batchSize: 2 });
      const b = runner(tally, { batchSize: 2 });
      await Promise.all([a.start(), b.start()]);
      await eventually(() => a.position === 20n || b.position === 20n || a.state === 'failed' || b.state === 'failed');
      await eventually(() => [a, b].some((r) => r.state === 'failed') || [a, b].every((r) => r.position === 20n));
      for (const r of [a, b]) if (r.state === 'failed') expect(r.failure).toBeInstanceOf(IntegrityError);
      const survivor = [a, b].find((r) => r.state === 'running') ?? a;
      if (survivor.state !== 'running') await survivor.start();
      await survivor.wait(20n);
      expect((await tally.read(app)).applied).toEqual(ids(1n, 20n));
    });

    it.skipIf(store.label === 'in-memory')('rebuild empties the view and replays the log from the start', async () => {
      await saveDogs(app, 2, 2);
      const tally = new TrickTally();
      const r = runner(tally);
      await r.start();
      await r.wait(6n);
      await r.rebuild();
      expect(r.state).toBe('running');
      await r.wait(6n);
      const view = await tally.read(app);
      expect(view.applied).toEqual(ids(1n, 6n));
      expect([...view.tricks.values()]).toEqual([2, 2]);
    });
  });
});
