/**
 * Appending and reading streams: every field kept, streams apart, binary payloads, read options.
 * Part of the recorder conformance suite (../recorder-conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Recorder } from '../../../runtime/recorder.js';
import {
  type CurrentRecorder,
  decoder,
  encoder,
  expectIncreasing,
  payload,
  range,
  storedEvent,
  versions,
} from './helpers.js';

/** Registers these cases; `current` gives the fresh recorder of each test. */
export function streamCases(current: CurrentRecorder): void {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = current();
  });

  describe('append and readStream', () => {
    it('starts empty', async () => {
      expect(await recorder.readStream('s-1')).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0n);
      expect(await recorder.readNotifications({ start: 1n, limit: 10 })).toEqual([]);
      expect(await recorder.readLog({ start: 1n, limit: 10 })).toEqual({ notifications: [], upTo: 0n });
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
}
