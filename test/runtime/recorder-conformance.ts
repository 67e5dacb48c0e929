/**
 * The behaviour every Recorder must have, as one shared vitest suite. The in-memory recorder
 * runs it in memory-recorder.test.ts; the Prisma recorders run it against real SQLite files and
 * the real PostgreSQL server.
 *
 * Usage, in a *.test.ts file:
 *   describeRecorderConformance('sqlite', async () => createSqliteRecorder({ filename }));
 *
 * The factory must return a new, EMPTY recorder each time (a fresh database or schema); the
 * suite closes it after each test. Notification ids may have gaps (a rolled-back insert may use
 * up ids), so the suite checks only that they increase.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, IntegrityError } from '../../runtime/errors.js';
import type { Recorder, StoredEvent, StoredSnapshot } from '../../runtime/recorder.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stored event whose payload names its stream and version, so mix-ups show. */
export function storedEvent(
  streamId: string,
  version: number,
  topic = 'Test.Thing.Happened',
  overrides: Partial<StoredEvent> = {},
): StoredEvent {
  return {
    streamId,
    version,
    topic,
    schemaVersion: 1,
    timestamp: new Date(Date.UTC(2024, 0, 1, 12, 0, 0, version)),
    state: encoder.encode(JSON.stringify({ streamId, version })),
    ...overrides,
  };
}

function snapshot(streamId: string, version: number, overrides: Partial<StoredSnapshot> = {}): StoredSnapshot {
  return {
    streamId,
    version,
    topic: 'Test.Thing',
    schemaVersion: 1,
    timestamp: new Date(Date.UTC(2024, 0, 2, 0, 0, 0, version)),
    state: encoder.encode(JSON.stringify({ snapshotOf: streamId, version })),
    ...overrides,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function versions(events: readonly StoredEvent[]): number[] {
  return events.map((e) => e.version);
}

function payload(e: { state: Uint8Array }): unknown {
  return JSON.parse(decoder.decode(e.state));
}

function expectIncreasing(ids: readonly bigint[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
}

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Appends `count` events to `streamId`, reading the head and retrying after each conflict. */
async function appendWithRetry(recorder: Recorder, streamId: string, count: number, writer: number): Promise<number> {
  let conflicts = 0;
  for (let written = 0; written < count; ) {
    const [head] = await recorder.readStream(streamId, { descending: true, limit: 1 });
    const next = (head?.version ?? 0) + 1;
    try {
      await recorder.append([
        storedEvent(streamId, next, 'Test.Thing.Happened', {
          state: encoder.encode(JSON.stringify({ writer, written })),
        }),
      ]);
      written++;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      conflicts++;
    }
  }
  return conflicts;
}

/** Registers the conformance suite for one recorder implementation. */
export function describeRecorderConformance(name: string, factory: () => Promise<Recorder>): void {
  describe(`Recorder conformance: ${name}`, () => {
    let recorder: Recorder;

    beforeEach(async () => {
      recorder = await factory();
    });

    afterEach(async () => {
      await recorder.close();
    });

    describe('append and readStream', () => {
      it('starts empty', async () => {
        expect(await recorder.readStream('s-1')).toEqual([]);
        expect(await recorder.maxNotificationId()).toBe(0n);
        expect(await recorder.readNotifications({ start: 1n, limit: 10 })).toEqual([]);
      });

      it('stores every field of an event and returns increasing bigint ids', async () => {
        const events = range(1, 3).map((v) => storedEvent('s-1', v, `Test.Thing.E${v}`, { schemaVersion: v }));
        const ids = await recorder.append(events);
        expect(ids).toHaveLength(3);
        for (const id of ids) expect(typeof id).toBe('bigint');
        expect(ids[0]! > 0n).toBe(true);
        expectIncreasing(ids);

        const read = await recorder.readStream('s-1');
        expect(read).toHaveLength(3);
        read.forEach((e, i) => {
          const v = i + 1;
          expect(e.streamId).toBe('s-1');
          expect(e.version).toBe(v);
          expect(e.topic).toBe(`Test.Thing.E${v}`);
          expect(e.schemaVersion).toBe(v);
          expect(e.timestamp).toBeInstanceOf(Date);
          expect(e.timestamp.getTime()).toBe(events[i]!.timestamp.getTime());
          expect(e.state).toBeInstanceOf(Uint8Array);
          expect(payload(e)).toEqual({ streamId: 's-1', version: v });
        });
      });

      it('an empty append stores nothing', async () => {
        expect(await recorder.append([])).toEqual([]);
        expect(await recorder.maxNotificationId()).toBe(0n);
      });

      it('keeps streams apart', async () => {
        await recorder.append([storedEvent('a', 1), storedEvent('b', 1), storedEvent('a', 2)]);
        expect(versions(await recorder.readStream('a'))).toEqual([1, 2]);
        expect(versions(await recorder.readStream('b'))).toEqual([1]);
        expect((await recorder.readStream('a')).every((e) => e.streamId === 'a')).toBe(true);
        expect(await recorder.readStream('c')).toEqual([]);
      });

      it('treats stream ids as exact, case-sensitive strings', async () => {
        const id = 'Dog-ÄÖ/ü 🐕 "quoted" \'single\'';
        await recorder.append([storedEvent(id, 1), storedEvent(id.toLowerCase(), 1)]);
        expect(versions(await recorder.readStream(id))).toEqual([1]);
        expect((await recorder.readStream(id))[0]!.streamId).toBe(id);
        expect(versions(await recorder.readStream(id.toLowerCase()))).toEqual([1]);
      });

      it('round-trips arbitrary binary payloads exactly', async () => {
        const bytes = new Uint8Array(4096);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
        const empty = new Uint8Array(0);
        await recorder.append([
          storedEvent('bin', 1, 'Test.Thing.Binary', { state: bytes }),
          storedEvent('bin', 2, 'Test.Thing.Binary', { state: empty }),
          storedEvent('bin', 3, 'Test.Thing.Binary', { state: Uint8Array.of(0, 0, 255, 0) }),
        ]);
        const [one, two, three] = await recorder.readStream('bin');
        expect(Array.from(one!.state)).toEqual(Array.from(bytes));
        expect(two!.state.length).toBe(0);
        expect(Array.from(three!.state)).toEqual([0, 0, 255, 0]);
        const [n] = await recorder.readNotifications({ start: 1n, limit: 1 });
        expect(Array.from(n!.state)).toEqual(Array.from(bytes));
      });

      it('keeps millisecond timestamps exactly, whatever the time zone', async () => {
        const stamps = [new Date('1999-12-31T23:59:59.999Z'), new Date('2024-03-31T01:30:00.001Z'), new Date(0)];
        await recorder.append(stamps.map((t, i) => storedEvent('t', i + 1, 'Test.Thing.Happened', { timestamp: t })));
        const read = await recorder.readStream('t');
        expect(read.map((e) => e.timestamp.toISOString())).toEqual(stamps.map((t) => t.toISOString()));
      });

      it('is not affected by later changes to the caller’s buffers', async () => {
        const state = encoder.encode('{"x":1}');
        await recorder.append([storedEvent('m', 1, 'Test.Thing.Happened', { state })]);
        state[2] = 0x41;
        const [read] = await recorder.readStream('m');
        expect(decoder.decode(read!.state)).toBe('{"x":1}');
        read!.state[2] = 0x42;
        const [again] = await recorder.readStream('m');
        expect(decoder.decode(again!.state)).toBe('{"x":1}');
      });

      it('stores long streams and many streams in one append', async () => {
        const events = range(1, 300).map((v) => storedEvent('long', v));
        const many = range(1, 50).map((i) => storedEvent(`many-${i}`, 1));
        const ids = await recorder.append([...events, ...many]);
        expect(ids).toHaveLength(350);
        expectIncreasing(ids);
        expect(versions(await recorder.readStream('long'))).toEqual(range(1, 300));
        for (const i of [1, 25, 50]) expect(versions(await recorder.readStream(`many-${i}`))).toEqual([1]);
      });
    });

    describe('read options', () => {
      beforeEach(async () => {
        await recorder.append(range(1, 10).map((v) => storedEvent('r', v)));
      });

      it('after: strictly greater versions', async () => {
        expect(versions(await recorder.readStream('r', { after: 7 }))).toEqual([8, 9, 10]);
        expect(versions(await recorder.readStream('r', { after: 0 }))).toEqual(range(1, 10));
        expect(await recorder.readStream('r', { after: 10 })).toEqual([]);
      });

      it('upTo: versions up to and including', async () => {
        expect(versions(await recorder.readStream('r', { upTo: 3 }))).toEqual([1, 2, 3]);
        expect(versions(await recorder.readStream('r', { upTo: 99 }))).toEqual(range(1, 10));
        expect(await recorder.readStream('r', { upTo: 0 })).toEqual([]);
      });

      it('after and upTo together', async () => {
        expect(versions(await recorder.readStream('r', { after: 4, upTo: 6 }))).toEqual([5, 6]);
        expect(await recorder.readStream('r', { after: 6, upTo: 6 })).toEqual([]);
      });

      it('descending: newest first', async () => {
        expect(versions(await recorder.readStream('r', { descending: true }))).toEqual(range(1, 10).reverse());
      });

      it('limit: at most this many, from the chosen end', async () => {
        expect(versions(await recorder.readStream('r', { limit: 3 }))).toEqual([1, 2, 3]);
        expect(versions(await recorder.readStream('r', { limit: 3, descending: true }))).toEqual([10, 9, 8]);
        expect(versions(await recorder.readStream('r', { limit: 50 }))).toEqual(range(1, 10));
      });

      it('all options at once', async () => {
        const read = await recorder.readStream('r', { after: 2, upTo: 8, descending: true, limit: 2 });
        expect(versions(read)).toEqual([8, 7]);
        const ascending = await recorder.readStream('r', { after: 2, upTo: 8, limit: 2 });
        expect(versions(ascending)).toEqual([3, 4]);
      });

      it('the head of a stream: descending with limit 1', async () => {
        const [head] = await recorder.readStream('r', { descending: true, limit: 1 });
        expect(head?.version).toBe(10);
        expect(payload(head!)).toEqual({ streamId: 'r', version: 10 });
      });
    });

    describe('optimistic concurrency', () => {
      it('refuses a version that exists, with stream id, expected and actual version', async () => {
        await recorder.append(range(1, 3).map((v) => storedEvent('c', v)));
        const error = await catchError(recorder.append([storedEvent('c', 2)]));
        expect(error).toBeInstanceOf(ConcurrencyError);
        const conflict = error as ConcurrencyError;
        expect(conflict.streamId).toBe('c');
        expect(conflict.expectedVersion).toBe(1);
        if (conflict.actualVersion !== undefined) expect(conflict.actualVersion).toBe(3);
        expect(conflict.message).toContain('c');
      });

      it('refuses a second creation of the same stream', async () => {
        await recorder.append([storedEvent('new', 1)]);
        const error = await catchError(recorder.append([storedEvent('new', 1), storedEvent('new', 2)]));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).streamId).toBe('new');
        expect((error as ConcurrencyError).expectedVersion).toBe(0);
        expect(versions(await recorder.readStream('new'))).toEqual([1]);
      });

      it('refuses a batch that repeats a version', async () => {
        const error = await catchError(recorder.append([storedEvent('dup', 1), storedEvent('dup', 1)]));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(await recorder.readStream('dup')).toEqual([]);
        expect(await recorder.maxNotificationId()).toBe(0n);
      });

      it('a rejected append changes nothing, in any stream', async () => {
        await recorder.append([storedEvent('x', 1), storedEvent('y', 1), storedEvent('y', 2)]);
        const before = await recorder.maxNotificationId();
        // x is fine, z is new, y conflicts: nothing of the three may be stored.
        const error = await catchError(
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

    describe('notification log', () => {
      let ids: bigint[];

      beforeEach(async () => {
        ids = [];
        ids.push(...(await recorder.append([storedEvent('n-a', 1, 'T.A.Created'), storedEvent('n-b', 1, 'T.B.Created')])));
        ids.push(...(await recorder.append([storedEvent('n-a', 2, 'T.A.Changed')])));
        ids.push(...(await recorder.append([storedEvent('n-b', 2, 'T.B.Changed'), storedEvent('n-a', 3, 'T.A.Changed')])));
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
        const changed = await recorder.readNotifications({ start: 1n, limit: 100, topics: ['T.A.Changed', 'T.B.Changed'] });
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

      it('max tracking id is the highest per (application, upstream), not the last', async () => {
        const track = (application: string, upstream: string, notificationId: bigint) => ({
          tracking: { application, upstream, notificationId },
        });
        await recorder.append([], track('A', 'Up', 7n));
        await recorder.append([], track('A', 'Up', 3n));
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
        const error = await catchError(recorder.append([storedEvent('d', 2), storedEvent('e', 1)], { tracking }));
        expect(error).toBeInstanceOf(IntegrityError);
        expect(versions(await recorder.readStream('d'))).toEqual([1]);
        expect(await recorder.readStream('e')).toEqual([]);
        expect(await recorder.maxNotificationId()).toBe(before);
        // The same events with the next tracking id go through.
        await recorder.append([storedEvent('d', 2), storedEvent('e', 1)], { tracking: { ...tracking, notificationId: 10n } });
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
  });
}
