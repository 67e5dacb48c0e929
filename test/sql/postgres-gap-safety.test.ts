/**
 * A reader polling the notification log while writers commit must never skip an
 * event that commits late with a lower id. The recorder serialises appends with
 * `LOCK TABLE events IN EXCLUSIVE MODE`; these tests show the hazard is real on this server
 * without the lock, and that with it a polling reader sees every event exactly once, in order.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import type { Notification, Recorder } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';
import { event, lcg } from './workload.js';

const skip = await postgresSkipReason();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the log like a projection runner: from the last id seen + 1, a small page at a time. */
class PollingReader {
  readonly seen: Notification[] = [];
  /** Non-empty pages read while the writers were still writing. */
  pagesWhileWriting = 0;
  #stop = false;
  constructor(private readonly recorder: Recorder) {}

  async run(): Promise<void> {
    for (;;) {
      const stopping = this.#stop;
      const start = (this.seen.at(-1)?.id ?? 0n) + 1n;
      const page = await this.recorder.readNotifications({ start, limit: 7 });
      this.seen.push(...page);
      if (!stopping && page.length > 0) this.pagesWhileWriting++;
      if (page.length === 0) {
        if (stopping) return; // one more empty poll after the writers finished
        await sleep(1);
      }
    }
  }

  stop(): void {
    this.#stop = true;
  }
}

describe.skipIf(skip !== undefined)(`gap-safe notification log on PostgreSQL${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('gap');
  afterAll(() => schemas.dropAll());

  it('without the table lock, a reader really can skip a late commit (the hazard is real)', async () => {
    const schema = schemas.next();
    await (await createPostgresRecorder({ url: TEST_DATABASE_URL, schema })).close(); // creates the tables
    const slow = new pg.Client(TEST_DATABASE_URL);
    const fast = new pg.Client(TEST_DATABASE_URL);
    await Promise.all([slow.connect(), fast.connect()]);
    const insert = `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
      VALUES ($1, 1, 'T.A.E', 1, now(), '\\x00') RETURNING id`;
    try {
      await slow.query('BEGIN');
      const lower = BigInt((await slow.query(insert, ['slow'])).rows[0].id);
      const higher = BigInt((await fast.query(insert, ['fast'])).rows[0].id); // commits at once
      expect(higher > lower).toBe(true);
      const reader = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, createTables: false });
      const firstPoll = await reader.readNotifications({ start: 1n, limit: 10 });
      expect(firstPoll.map((n) => n.id)).toEqual([higher]); // the reader moves past `lower`...
      await slow.query('COMMIT');
      const nextPoll = await reader.readNotifications({ start: higher + 1n, limit: 10 });
      expect(nextPoll).toEqual([]); // ...and never sees it
      expect((await reader.readNotifications({ start: 1n, limit: 10 })).map((n) => n.id)).toEqual([lower, higher]);
      await reader.close();
    } finally {
      await Promise.all([slow.end(), fast.end()]);
    }
  });

  it('an append waits for a writer holding the lock, so ids become visible in order', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
    const slow = new pg.Client(TEST_DATABASE_URL);
    await slow.connect();
    try {
      // A writer following the same protocol, stalled between its insert and its commit.
      await slow.query('BEGIN');
      await slow.query(`LOCK TABLE "${schema}".events IN EXCLUSIVE MODE`);
      const lower = BigInt(
        (
          await slow.query(
            `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
             VALUES ('slow', 1, 'T.A.E', 1, now(), '\\x00') RETURNING id`,
          )
        ).rows[0].id,
      );
      let appended = false;
      const append = recorder.append([event('fast', 1, 1)]).then((ids) => {
        appended = true;
        return ids;
      });
      await sleep(300);
      expect(appended).toBe(false); // blocked behind the lock, not racing past it
      expect(await recorder.readNotifications({ start: 1n, limit: 10 })).toEqual([]); // readers are not blocked
      await slow.query('COMMIT');
      const [higher] = await append;
      expect(higher! > lower).toBe(true);
      expect((await recorder.readNotifications({ start: 1n, limit: 10 })).map((n) => n.id)).toEqual([lower, higher]);
    } finally {
      await slow.end();
      await recorder.close();
    }
  });

  it('4 writers on separate connections and a polling reader: every event seen once, in id order', async () => {
    const schema = schemas.next();
    const open = () => createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 1 });
    const writers = await Promise.all([open(), open(), open(), open()]);
    const readerRecorder = await open();
    const reader = new PollingReader(readerRecorder);
    const reading = reader.run();
    const committed: bigint[] = [];
    try {
      await Promise.all(
        writers.map(async (recorder, w) => {
          const random = lcg(w + 11);
          for (let save = 1; save <= 60; save++) {
            const size = 1 + Math.floor(random() * 4);
            const streamId = `gap-${w}-${save}`;
            const ids = await recorder.append(Array.from({ length: size }, (_, i) => event(streamId, i + 1, w)));
            committed.push(...ids);
            if (random() < 0.3) await sleep(Math.floor(random() * 3));
          }
        }),
      );
      reader.stop();
      await reading;
    } finally {
      await Promise.all([...writers, readerRecorder].map((r) => r.close()));
    }
    const seenIds = reader.seen.map((n) => n.id);
    for (let i = 1; i < seenIds.length; i++) expect(seenIds[i]! > seenIds[i - 1]!).toBe(true);
    const sortedCommitted = [...committed].sort((a, b) => (a < b ? -1 : 1));
    expect(seenIds).toEqual(sortedCommitted);
    expect(seenIds.length).toBeGreaterThanOrEqual(240);
    expect(reader.pagesWhileWriting).toBeGreaterThan(10); // it really read while they wrote
  }, 120_000);
});
