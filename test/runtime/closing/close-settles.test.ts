/**
 * close() settles: on every store, closing an application or a recorder with saves, loads and log
 * reads in flight lets each of them finish, refuses later work with `ClosedError`, and only then
 * releases the file or the pool; a second close resolves after the release too. And a process
 * that gets SIGTERM mid-load, whose handler only calls `app.close()`, exits 0 with every promise
 * settled.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Application } from '../../../runtime/application.js';
import { readStore } from '../../../runtime/config.js';
import { ClosedError } from '../../../runtime/errors.js';
import { openRecorder } from '../../../runtime/open-recorder.js';
import type { StoredEvent } from '../../../runtime/recorder.js';
import { Dog, kennelDomain } from '../fixtures/kennel.js';
import { cleanUpStores, closingStores } from './stores.js';

afterAll(cleanUpStores);

const IN_FLIGHT = 40;

/** Tracks whether each promise settled, without affecting it. */
function watch<T>(promises: readonly Promise<T>[]): { settled: () => number } {
  let settled = 0;
  for (const p of promises)
    p.then(
      () => settled++,
      () => settled++,
    );
  return { settled: () => settled };
}

/** Every outcome is a value or a `ClosedError`; nothing else. */
function outcomes(results: readonly PromiseSettledResult<unknown>[]): {
  fulfilled: number;
  closed: number;
  other: unknown[];
} {
  const other = results.flatMap((r) =>
    r.status === 'rejected' && !(r.reason instanceof ClosedError) ? [r.reason] : [],
  );
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    closed: results.filter((r) => r.status === 'rejected' && r.reason instanceof ClosedError).length,
    other,
  };
}

function stored(streamId: string, version: number): StoredEvent {
  return {
    streamId,
    version,
    topic: 'Kennel.Dog.Registered',
    schemaVersion: 1,
    timestamp: new Date(),
    state: new Uint8Array([version]),
  };
}

describe.each(closingStores)('close() with work in flight on the $label store', (store) => {
  it.each([0, 5])(
    'Application closed %i ms after 40 operations start: each finishes; later ones get ClosedError; then the store is released',
    async (closeAfterMs) => {
      const url = store.fresh();
      const app = new Application({ domains: [kennelDomain], name: 'Kennel', env: { DATABASE_URL: url } });
      const known = Dog.register('Known');
      await app.save(known);

      const newDogs: Dog[] = [];
      const before = Array.from({ length: IN_FLIGHT }, (_, i): Promise<unknown> => {
        if (i % 3 === 0) {
          const dog = Dog.register(`dog ${i}`);
          newDogs.push(dog);
          return app.save(dog);
        }
        return i % 3 === 1 ? app.repository(Dog).get(known.id) : app.log.select(1n, 100);
      });
      const watched = watch(before);
      if (closeAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, closeAfterMs));
      const closing = [app.close(), app.close()];
      const after = Promise.allSettled([
        app.save(Dog.register('late')),
        app.repository(Dog).get(known.id),
        app.log.select(1n, 10),
        app.log.maxId(),
      ]);

      await Promise.all(closing);
      // close() resolved only after every operation in flight had settled.
      expect(watched.settled()).toBe(IN_FLIGHT);
      expect(outcomes(await Promise.allSettled(before))).toEqual({ fulfilled: IN_FLIGHT, closed: 0, other: [] });
      expect(outcomes(await after)).toEqual({ fulfilled: 0, closed: 4, other: [] });
      if (store.held !== undefined) expect(await store.held(url)).toBe(0);
      await expect(app.close()).resolves.toBeUndefined();

      if (url !== 'memory:') {
        // What the in-flight saves were told is stored, is stored.
        const reopened = new Application({ domains: [kennelDomain], name: 'Kennel', env: { DATABASE_URL: url } });
        try {
          for (const dog of newDogs) expect((await reopened.repository(Dog).get(dog.id)).name).toBe(dog.name);
          expect(await reopened.log.maxId()).toBeGreaterThanOrEqual(BigInt(newDogs.length + 1));
        } finally {
          await reopened.close();
        }
      }
    },
  );

  it('Recorder: appends, stream reads and log reads in flight finish; later calls get ClosedError; both closes resolve after the release', async () => {
    const url = store.fresh();
    const recorder = await openRecorder(readStore({ DATABASE_URL: url }));
    await recorder.append([stored('known', 1)]);

    const before = Array.from(
      { length: IN_FLIGHT },
      (_, i): Promise<unknown> =>
        i % 3 === 0
          ? recorder.append([stored(`stream-${i}`, 1), stored(`stream-${i}`, 2)])
          : i % 3 === 1
            ? recorder.readStream('known')
            : recorder.readNotifications({ start: 1n, limit: 100 }),
    );
    const watched = watch(before);
    const first = recorder.close();
    const second = recorder.close();
    const after = Promise.allSettled([
      recorder.append([stored('late', 1)]),
      recorder.readStream('known'),
      recorder.readNotifications({ start: 1n, limit: 1 }),
      recorder.maxNotificationId(),
    ]);

    await second;
    expect(watched.settled()).toBe(IN_FLIGHT);
    if (store.held !== undefined) expect(await store.held(url)).toBe(0);
    await first;
    expect(outcomes(await Promise.allSettled(before))).toEqual({ fulfilled: IN_FLIGHT, closed: 0, other: [] });
    expect(outcomes(await after)).toEqual({ fulfilled: 0, closed: 4, other: [] });
  });
});

/** Runs the SIGTERM child on `url`, sends SIGTERM once it is loading, and returns how it ended. */
async function runUntilSigterm(
  url: string,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  // node itself, with tsx as a loader: the tsx CLI would sit between as a second process relaying signals.
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sigterm-child.ts'), url], {
    cwd: join(import.meta.dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const wasLoading = stdout.includes('loading\n');
    stdout += chunk.toString();
    if (!wasLoading && stdout.includes('loading\n')) {
      // Let the loads run a moment, so SIGTERM lands among them.
      setTimeout(() => child.kill('SIGTERM'), 50);
    }
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  return { code, signal, stdout, stderr };
}

describe.each(closingStores)('SIGTERM mid-load on the $label store', (store) => {
  it('the handler calls app.close(); every load settles, each worker ends on one ClosedError, and the process exits 0', async () => {
    const result = await runUntilSigterm(store.fresh());
    // 13 would mean the top-level await never settled (a promise left pending by close()).
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const counts = JSON.parse(result.stdout.split('\n')[1]!) as { fulfilled: number; closed: number; other: string[] };
    expect(counts.other).toEqual([]);
    expect(counts.closed).toBe(20);
    expect(counts.fulfilled).toBeGreaterThan(0);
  });
});
