import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`Prisma + PostgreSQL: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('conf');
  afterAll(() => schemas.dropAll());
  describeRecorderConformance('Prisma + PostgreSQL', async (options = {}) => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
    if (options.firstNotificationId !== undefined) {
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      try {
        await client.query(`ALTER SEQUENCE "${schema}"."events_id_seq" RESTART WITH ${options.firstNotificationId}`);
      } finally {
        await client.end();
      }
    }
    return recorder;
  });
}
