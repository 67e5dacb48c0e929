/**
 * The PostgreSQL log's horizon seen by readers with a topic filter (docs/persistence.md, "Gap
 * safety"): a committed event of a transaction newer than the server's oldest running one is not
 * final while a writer of the schema is in flight. A reader that took "the head" from one read and
 * a page from another could count that event as read although the page hid it; a page read says
 * itself how far it is complete, so the reader waits instead and gets every event once.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectionRunner } from '../../runtime/projection.js';
import { TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { eventually, kennel, postgresSkip, schemas, TrickTally } from './fixtures.js';

afterAll(async () => {
  await schemas.dropAll();
});

const TRICKS = 'Kennel.Dog.TrickAdded';

/** A dog with one trick: two events (Registered, TrickAdded) in one save. */
function dogWithTrick(name: string): Dog {
  const dog = Dog.register(name);
  dog.addTrick('sit');
  return dog;
}

/**
 * A writer following the append procedure's protocol by hand, stalled between its insert and
 * its COMMIT: its event (a copy of row `like` under stream `stream`) has an id, invisible until
 * `commit()`, which also sends the notification the procedure sends.
 */
async function stalledWriter(schema: string, like: bigint, stream: string) {
  const client = new pg.Client(TEST_DATABASE_URL);
  await client.connect();
  const key = (name: string) => `hashtextextended('eventforge ${name} ' || $1, 0)`;
  await client.query('BEGIN');
  await client.query(`SELECT pg_advisory_xact_lock_shared(${key('writers')})`, [schema]);
  await client.query(`SELECT pg_advisory_lock(${key('ids')})`, [schema]);
  const { rows } = await client.query(
    `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
     SELECT $1, 1, topic, schema_version, "timestamp", state FROM "${schema}".events WHERE id = $2 RETURNING id`,
    [stream, like],
  );
  await client.query(`SELECT pg_advisory_unlock(${key('ids')})`, [schema]);
  return {
    id: BigInt(rows[0].id),
    async commit(): Promise<void> {
      await client.query('COMMIT');
      await client.query(`SELECT pg_notify('eventforge_log', $1)`, [schema]);
      await client.end();
    },
  };
}

describe.skipIf(postgresSkip !== undefined)(
  `the log's horizon on PostgreSQL, with a topic filter${postgresSkip ? `: ${postgresSkip}` : ''}`,
  () => {
    it('a committed event hidden behind a writer in flight is neither passed nor repeated once that writer commits', async () => {
      const schema = schemas.next();
      const app = kennel(`${TEST_DATABASE_URL}?schema=${schema}`);
      // An unrelated transaction with an id, older than every save below: no event is final while it runs.
      const older = new pg.Client(TEST_DATABASE_URL);
      await older.connect();
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      const tally = new TrickTally('HorizonTricks', 'stop', [TRICKS]);
      const runner = new ProjectionRunner(app, tally, { pollIntervalMs: 20 });
      const subscription = app.log.subscribe({ topics: [TRICKS], pollIntervalMs: 20 });
      try {
        const [, firstTrick] = await app.save(dogWithTrick('Rex')); // committed, not final
        const late = await stalledWriter(schema, firstTrick!, 'late-dog'); // in flight, after it
        const [, lastTrick] = await app.save(dogWithTrick('Fido')); // committed after the late one's id
        expect(late.id > firstTrick! && lastTrick! > late.id).toBe(true);
        const recorder = await app.recorder();

        // The hazard: the stored head counts Rex's trick, a page read now cannot return it.
        expect(await app.log.maxId()).toBe(lastTrick);
        expect(await recorder.readNotifications({ start: 1n, limit: 10, topics: [TRICKS] })).toEqual([]);
        // The page says so itself: complete up to nothing yet.
        expect(await recorder.readLog({ start: 1n, limit: 10, topics: [TRICKS] })).toEqual({
          notifications: [],
          upTo: 0n,
        });

        await runner.start();
        const batch = subscription.nextBatch();
        const waited = runner.wait(firstTrick!, { timeout: 20_000 });
        const settled = await Promise.race([
          batch.then(() => 'batch'),
          waited.then(() => 'wait'),
          new Promise((resolve) => setTimeout(resolve, 300, 'nothing')),
        ]);
        expect(settled).toBe('nothing');
        expect(subscription.position).toBe(0n);
        expect(runner.position).toBe(0n);

        await late.commit();
        const delivered = await batch;
        expect(delivered?.events.map((e) => e.id)).toEqual([firstTrick, late.id, lastTrick]);
        await waited; // read your writes, through the projection
        await runner.wait(lastTrick!, { timeout: 20_000 });
        const applied = await tally.read(app);
        expect(applied.applied).toEqual([firstTrick, late.id, lastTrick]);
        expect([...applied.tricks.values()]).toEqual([1, 1, 1]);
      } finally {
        await subscription.return();
        await runner.stop();
        await older.query('ROLLBACK');
        await older.end();
        await app.close();
      }
    });

    it('many writers and an unrelated transaction coming and going: a topic-filtered subscription gets every event once, in order', async () => {
      const schema = schemas.next();
      const app = kennel(`${TEST_DATABASE_URL}?schema=${schema}`);
      const writers = Array.from({ length: 4 }, () => kennel(`${TEST_DATABASE_URL}?schema=${schema}`));
      const older = new pg.Client(TEST_DATABASE_URL);
      await older.connect();
      const subscription = app.log.subscribe({ topics: [TRICKS], pollIntervalMs: 20, batchSize: 7 });
      const seen: bigint[] = [];
      const reading = (async () => {
        for await (const e of subscription) seen.push(e.id);
      })();
      let churning = true;
      // Holds the server's oldest running transaction back now and then, as another application's work does.
      const churn = (async () => {
        while (churning) {
          await older.query('BEGIN');
          await older.query('SELECT pg_current_xact_id()');
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
          await older.query('COMMIT');
        }
      })();
      try {
        const saved = await Promise.all(
          writers.map(async (writer, w) => {
            const tricks: bigint[] = [];
            for (let i = 0; i < 25; i++) tricks.push((await writer.save(dogWithTrick(`dog ${w}.${i}`)))[1]!);
            return tricks;
          }),
        );
        const expected = saved.flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        await eventually(() => seen.length >= expected.length, 20_000);
        churning = false;
        await churn;
        await new Promise((resolve) => setTimeout(resolve, 100)); // a repeat would arrive now
        expect(seen).toEqual(expected);
      } finally {
        churning = false;
        await subscription.return();
        await reading;
        await older.end();
        await Promise.all([app, ...writers].map((a) => a.close()));
      }
    });
  },
);
