/**
 * How a subscription waiting at the head learns of new events: this process's appends to the
 * same SQLite file (in-process signal), another process's (SQLite's change counter, polled),
 * PostgreSQL's NOTIFY (with polling turned down so that only the notification can wake it), and
 * a PostgreSQL append that commits late: never skipped, never repeated.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Application } from '../../runtime/application.js';
import type { LoggedEvent } from '../../runtime/notification-log.js';
import type { Subscription } from '../../runtime/subscription.js';
import { TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { dir, eventually, ids, kennel, postgresSkip, schemas } from './fixtures.js';

afterAll(async () => {
  await schemas.dropAll();
});

/** Polling so slow that a wake-up within the test's time can only come from the signal under test. */
const NO_POLLING = 600_000;
const script = join(import.meta.dirname, 'runner-process.ts');

/** Collects what the subscription delivers, in the background. */
function collect(subscription: Subscription): { seen: LoggedEvent[]; done: Promise<void> } {
  const seen: LoggedEvent[] = [];
  const done = (async () => {
    for await (const e of subscription) seen.push(e);
  })();
  return { seen, done };
}

async function saveDogs(app: Application, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await app.save(Dog.register(`dog ${i}`));
}

describe('wake-ups on SQLite', () => {
  it('an append of this process through another connection wakes the subscription at once', async () => {
    const url = `file:${join(dir, 'wake-in-process.sqlite')}`;
    const reader = kennel(url);
    const writer = kennel(url);
    await saveDogs(writer, 1);
    const subscription = reader.log.subscribe({ pollIntervalMs: NO_POLLING });
    const { seen, done } = collect(subscription);
    await eventually(() => seen.length === 1);
    await saveDogs(writer, 2);
    await eventually(() => seen.length === 3, 5000);
    await subscription.return();
    await done;
    expect(seen.map((e) => e.id)).toEqual(ids(1n, 3n));
    await writer.close();
    await reader.close();
  });

  it("another process's append is seen by polling the file's change counter", async () => {
    const url = `file:${join(dir, 'wake-cross-process.sqlite')}`;
    const reader = kennel(url);
    await saveDogs(reader, 1);
    const subscription = reader.log.subscribe({ pollIntervalMs: 20 });
    const { seen, done } = collect(subscription);
    await eventually(() => seen.length === 1);
    await appendInChild(url, 3);
    await eventually(() => seen.length === 4, 5000);
    await subscription.return();
    await done;
    expect(seen.map((e) => e.id)).toEqual(ids(1n, 4n));
    await reader.close();
  });
});

describe.skipIf(postgresSkip !== undefined)(`wake-ups on PostgreSQL${postgresSkip ? `: ${postgresSkip}` : ''}`, () => {
  it('LISTEN: an append by another process wakes the subscription without polling', async () => {
    const url = `${TEST_DATABASE_URL}?schema=${schemas.next()}`;
    const reader = kennel(url);
    await saveDogs(reader, 1);
    const subscription = reader.log.subscribe({ pollIntervalMs: NO_POLLING });
    const { seen, done } = collect(subscription);
    await eventually(() => seen.length === 1);
    await appendInChild(url, 2);
    await eventually(() => seen.length === 3, 10_000);
    await subscription.return();
    await done;
    expect(seen.map((e) => e.id)).toEqual(ids(1n, 3n));
    await reader.close();
  });

  it('a late commit is neither skipped nor repeated: the reader waits for the earlier id', async () => {
    const schema = schemas.next();
    const url = `${TEST_DATABASE_URL}?schema=${schema}`;
    const app = kennel(url);
    await saveDogs(app, 1); // id 1
    const subscription = app.log.subscribe({ pollIntervalMs: 20 });
    const { seen, done } = collect(subscription);
    await eventually(() => seen.length === 1);
    // A writer that holds the log's lock with an uncommitted event (id 2) ...
    const late = new pg.Client(TEST_DATABASE_URL);
    await late.connect();
    await late.query('BEGIN');
    await late.query(`LOCK TABLE "${schema}".events IN EXCLUSIVE MODE`);
    await late.query(
      `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state) ` +
        `SELECT 'late-dog', 1, topic, schema_version, "timestamp", state FROM "${schema}".events WHERE id = 1`,
    );
    await late.query(`SELECT pg_notify('eventforge_log', $1)`, [schema]);
    // ... while a save queues behind it (it gets id 3 once the lock is free).
    const queued = saveDogs(app, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((e) => e.id)).toEqual([1n]);
    await late.query('COMMIT');
    await late.end();
    await queued;
    await eventually(() => seen.length === 3, 10_000);
    await subscription.return();
    await done;
    expect(seen.map((e) => [e.id, e.event.originatorId === 'late-dog'])).toEqual([
      [1n, false],
      [2n, true],
      [3n, false],
    ]);
    await app.close();
  });
});

/** Saves `dogs` dogs from a process of its own. */
function appendInChild(url: string, dogs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, 'append', String(dogs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`append process exited ${code}: ${err}`))));
  });
}
