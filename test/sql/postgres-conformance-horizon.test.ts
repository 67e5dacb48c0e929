/**
 * The conformance suite once more on PostgreSQL, with a write transaction held open on another
 * connection all along. Every event written after it is then newer than the server's oldest
 * running transaction, so every log read that meets one takes the second road
 * (`eventforge_log_page` / `eventforge_max_id`, docs/persistence.md "Gap safety"): this runs
 * that road through every case the plain reads are held to.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';
import { openConformanceStore, postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`Prisma + PostgreSQL behind an open transaction: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('horizon');
  const holder = new pg.Client(TEST_DATABASE_URL);
  beforeAll(async () => {
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()'); // an xid: the horizon stays below it
  });
  afterAll(async () => {
    await holder.query('ROLLBACK');
    await holder.end();
    await schemas.dropAll();
  });
  describeRecorderConformance('Prisma + PostgreSQL behind an open transaction', (options = {}) =>
    openConformanceStore(schemas, options),
  );
}
