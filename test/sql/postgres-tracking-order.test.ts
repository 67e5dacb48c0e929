/**
 * PostgreSQL: a save with a tracking record waits for any other writer of the same
 * (application, upstream) that holds the pair's advisory lock (docs/persistence.md, "Tracking
 * positions only go up"), then checks the last position that writer committed. Without the lock
 * it would read the last position before the other commit and go back behind it.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../runtime/errors.js';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`tracking order on PostgreSQL${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('track');
  afterAll(() => schemas.dropAll());

  it('a save behind a concurrent, later committed position is refused', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 2 });
    const other = new pg.Client(TEST_DATABASE_URL);
    await other.connect();
    try {
      // Another writer of (App, Up) records position 9 and has not committed yet.
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('App'), hashtext('Up'))`);
      await other.query(
        `INSERT INTO "${schema}"."tracking" (application, upstream, notification_id) VALUES ('App', 'Up', 9)`,
      );

      let settled = false;
      const save = recorder.append([], { tracking: { application: 'App', upstream: 'Up', notificationId: 5n } });
      const outcome = save.then(
        () => 'stored',
        (error: unknown) => error,
      );
      void outcome.finally(() => (settled = true));
      // Commit only once the save waits for the pair's lock (or has, wrongly, finished without it).
      const waiting = async () =>
        Number(
          (
            await other.query(
              `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 ` +
                `AND classid = hashtext('App')::oid AND objid = hashtext('Up')::oid`,
            )
          ).rows[0].count,
        );
      while (!settled && (await waiting()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await other.query('COMMIT');

      expect(await outcome).toBeInstanceOf(IntegrityError);
      expect(await recorder.maxTrackingId('App', 'Up')).toBe(9n);
      expect(await recorder.hasTracking('App', 'Up', 5n)).toBe(false);
    } finally {
      await other.end();
      await recorder.close();
    }
  });
});
