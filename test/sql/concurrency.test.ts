/**
 * Four writers on separate connections append to the same ten streams, retrying on
 * conflict. Afterwards every stream holds versions 1..n exactly once, n = what the writers were told
 * was stored; conflicts surfaced as ConcurrencyError; a multi-stream append with one stale stream
 * stores nothing. SQLite writers are separate processes; PostgreSQL writers separate pools.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../runtime/errors.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import type { Recorder } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';
import { event, runWriter, type WriterReport } from './workload.js';

const STREAMS = Array.from({ length: 10 }, (_, i) => `counter-${i + 1}`);
const WRITERS = 4;
const SAVES = 40;

async function expectConsistent(recorder: Recorder, reports: readonly WriterReport[]): Promise<void> {
  for (const r of reports) expect(r.otherErrors).toEqual([]);
  // Every writer met conflicts in total: the test really ran the writers against each other.
  expect(reports.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThan(0);
  let total = 0;
  for (const streamId of STREAMS) {
    const expected = reports.reduce((n, r) => n + (r.stored[streamId] ?? 0), 0);
    total += expected;
    const versions = (await recorder.readStream(streamId)).map((e) => e.version);
    expect(versions).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
  }
  const log = await recorder.readNotifications({ start: 1n, limit: 100_000 });
  expect(log).toHaveLength(total);
  expect(new Set(log.map((n) => `${n.streamId}@${n.version}`)).size).toBe(total);
}

async function expectAllOrNothing(recorder: Recorder): Promise<void> {
  const [head] = await recorder.readStream('counter-1', { descending: true, limit: 1 });
  const before = await recorder.maxNotificationId();
  const stale = head!.version; // already taken
  let error: unknown;
  try {
    await recorder.append([event('other-a', 1, 0), event('counter-1', stale, 0), event('other-b', 1, 0)]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConcurrencyError);
  expect((error as ConcurrencyError).streamId).toBe('counter-1');
  expect((error as ConcurrencyError).expectedVersion).toBe(stale - 1);
  expect(await recorder.readStream('other-a')).toEqual([]);
  expect(await recorder.readStream('other-b')).toEqual([]);
  expect(await recorder.maxNotificationId()).toBe(before);
  // The corrected save then goes through whole.
  await recorder.append([event('other-a', 1, 0), event('counter-1', stale + 1, 0), event('other-b', 1, 0)]);
  expect((await recorder.readStream('counter-1', { descending: true, limit: 1 }))[0]!.version).toBe(stale + 1);
}

/** A writer process that reports `ready`, starts on `go()`, and resolves `done` with its stdout. */
function startWriter(
  command: string,
  args: readonly string[],
): { ready: Promise<void>; go: () => void; done: Promise<string> } {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`writer exited with ${code}: ${stderr}`)),
    );
  });
  done.catch(markReady); // a writer that dies before `ready` must not hang the test
  return { ready, go: () => child.stdin.end('go\n'), done };
}

describe('concurrent writers on SQLite (separate processes, one file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-concurrency-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leave no duplicate and no missing version; a multi-stream save is all-or-nothing', async () => {
    const filename = join(dir, 'shared.db');
    const setup = await createSqliteRecorder({ filename }); // creates the tables once, up front
    const script = join(import.meta.dirname, 'sqlite-writer-process.ts');
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      startWriter(tsx, [script, filename, String(w + 1), String(SAVES), ...STREAMS]),
    );
    // Released together once all are connected: slow process start-up must not serialise them.
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const reports = (await Promise.all(writers.map((w) => w.done))).map(
      (out) => JSON.parse(out.trim().split('\n').at(-1)!) as WriterReport,
    );
    await expectConsistent(setup, reports);
    // Writers 2 and 4 tracked every other save, inside the same transactions.
    for (const w of [2, 4]) expect(await setup.maxTrackingId(`Writer${w}`, 'Up')).toBe(BigInt(SAVES - 1));
    await expectAllOrNothing(setup);
    await setup.close();
  }, 120_000);
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `concurrent writers on PostgreSQL (separate pools)${skip ? `: ${skip}` : ''}`,
  () => {
    const schemas = new SchemaPool('conc');
    afterAll(() => schemas.dropAll());

    it('leave no duplicate and no missing version; a multi-stream save is all-or-nothing', async () => {
      const schema = schemas.next();
      const open = () => createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 2 });
      const setup = await open();
      const writers = await Promise.all(Array.from({ length: WRITERS }, open));
      try {
        const reports = await Promise.all(
          writers.map((r, w) => runWriter(r, w + 1, STREAMS, SAVES, (w + 1) % 2 === 0)),
        );
        await expectConsistent(setup, reports);
        for (const w of [2, 4]) expect(await setup.maxTrackingId(`Writer${w}`, 'Up')).toBe(BigInt(SAVES - 1));
        await expectAllOrNothing(setup);
      } finally {
        await Promise.all([setup, ...writers].map((r) => r.close()));
      }
    }, 120_000);
  },
);

describe('appends larger than one INSERT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-large-'));
  const schemas = new SchemaPool('large');
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });
  const stores: [string, () => Promise<Recorder>][] = [
    ['SQLite', () => createSqliteRecorder({ filename: join(dir, 'large.db') })],
    ...(skip === undefined
      ? [
          ['PostgreSQL', () => createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() })] as [
            string,
            () => Promise<Recorder>,
          ],
        ]
      : []),
  ];

  it.each(stores)(
    '%s: 12,000 events in one append are stored whole, or not at all',
    async (_label, open) => {
      const recorder = await open();
      try {
        const big = Array.from({ length: 12_000 }, (_, i) => event(`big-${i % 3}`, Math.floor(i / 3) + 1, 0));
        const ids = await recorder.append(big);
        expect(ids).toHaveLength(12_000);
        for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
        const [first] = await recorder.readNotifications({ start: ids[0]!, limit: 1 });
        expect(first?.streamId).toBe('big-0');
        // The last chunk collides: nothing of the earlier chunks may stay.
        const tail = Array.from({ length: 6_000 }, (_, i) => event(`tail-${i % 2}`, Math.floor(i / 2) + 1, 0));
        const before = await recorder.maxNotificationId();
        await expect(recorder.append([...tail, event('big-1', 4000, 0)])).rejects.toMatchObject({
          name: 'ConcurrencyError',
          streamId: 'big-1',
          expectedVersion: 3999,
          actualVersion: 4000,
        });
        expect(await recorder.maxNotificationId()).toBe(before);
        expect(await recorder.readStream('tail-0')).toEqual([]);
      } finally {
        await recorder.close();
      }
    },
    60_000,
  );
});
