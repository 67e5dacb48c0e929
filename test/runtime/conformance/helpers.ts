/** Shared helpers of the recorder conformance suite (../recorder-conformance.ts). */
import { expect } from 'vitest';
import { ConcurrencyError } from '../../../runtime/errors.js';
import type { Recorder, StoredEvent, StoredSnapshot } from '../../../runtime/recorder.js';

export { rejection } from '../fixtures/rejection.js';

/** The recorder under test in the current test: the suite opens a fresh one before each. */
export type CurrentRecorder = () => Recorder;

/** Opens a new, empty store; its first event gets `firstNotificationId` when given. */
export type RecorderFactory = (options?: { readonly firstNotificationId?: bigint }) => Promise<Recorder>;

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

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

export function snapshot(streamId: string, version: number, overrides: Partial<StoredSnapshot> = {}): StoredSnapshot {
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

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function versions(events: readonly StoredEvent[]): number[] {
  return events.map((e) => e.version);
}

export function payload(e: { state: Uint8Array }): unknown {
  return JSON.parse(decoder.decode(e.state));
}

export function expectIncreasing(ids: readonly bigint[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
}

/** Appends `count` events to `streamId`, reading the head and retrying after each conflict. */
export async function appendWithRetry(
  recorder: Recorder,
  streamId: string,
  count: number,
  writer: number,
): Promise<number> {
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
