import { describe, expect, it } from 'vitest';
import { ConcurrencyError, ConfigurationError, EventforgeError } from '../../runtime/errors.js';
import {
  MemoryRecorder,
  RecorderArgumentError,
  createMemoryRecorder,
  withArgumentChecks,
} from '../../runtime/index.js';
import { describeRecorderConformance, storedEvent } from './recorder-conformance.js';

describeRecorderConformance('in-memory', async (options) => createMemoryRecorder(options));

describe('MemoryRecorder specifics', () => {
  it('refuses use after close', async () => {
    const recorder = createMemoryRecorder();
    await recorder.append([storedEvent('s', 1)]);
    await recorder.close();
    await expect(recorder.readStream('s')).rejects.toThrow(/closed/);
    await expect(recorder.append([storedEvent('s', 2)])).rejects.toBeInstanceOf(EventforgeError);
  });

  it('refuses versions that are not positive integers', async () => {
    const recorder = createMemoryRecorder();
    await expect(recorder.append([storedEvent('s', 0)])).rejects.toThrow(/positive integer/);
    await expect(recorder.append([storedEvent('s', 1.5)])).rejects.toThrow(/positive integer/);
    expect(await recorder.maxNotificationId()).toBe(0n);
  });

  it('always knows the actual version of a conflicting stream, counting the batch', async () => {
    const recorder = createMemoryRecorder();
    await recorder.append([storedEvent('s', 1), storedEvent('s', 2), storedEvent('s', 3)]);
    const stale = await recorder.append([storedEvent('s', 2)]).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect([(stale as ConcurrencyError).expectedVersion, (stale as ConcurrencyError).actualVersion]).toEqual([1, 3]);
    const repeated = await recorder
      .append([storedEvent('t', 1), storedEvent('t', 2), storedEvent('t', 2)])
      .catch((e: unknown) => e);
    expect([(repeated as ConcurrencyError).streamId, (repeated as ConcurrencyError).actualVersion]).toEqual(['t', 2]);
  });

  it('checks arguments however it is made (public class or factory), and is not wrapped twice', async () => {
    const recorder = new MemoryRecorder();
    await expect(recorder.readStream('s', { limit: -1 })).rejects.toBeInstanceOf(RecorderArgumentError);
    expect(withArgumentChecks(recorder)).toBe(recorder);
  });

  it('starts ids at firstNotificationId, which must be a positive bigint', async () => {
    const recorder = createMemoryRecorder({ firstNotificationId: 42n });
    expect(await recorder.append([storedEvent('s', 1)])).toEqual([42n]);
    expect(() => createMemoryRecorder({ firstNotificationId: 0n })).toThrow(ConfigurationError);
  });

  it('keeps a stream sorted when versions arrive out of order', async () => {
    const recorder = createMemoryRecorder();
    await recorder.append([storedEvent('s', 2), storedEvent('s', 1)]);
    expect((await recorder.readStream('s')).map((e) => e.version)).toEqual([1, 2]);
  });
});
