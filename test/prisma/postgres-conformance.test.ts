import { afterAll, describe, it } from 'vitest';
import { createPostgresRecorder } from '../../runtime/prisma/index.js';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`Prisma + PostgreSQL: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('conf');
  afterAll(() => schemas.dropAll());
  describeRecorderConformance('Prisma + PostgreSQL', () =>
    createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() }),
  );
}
