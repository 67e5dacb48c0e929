import { afterAll, describe, it } from 'vitest';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';
import { openConformanceStore, postgresSkipReason, SchemaPool } from './postgres-helpers.js';

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`Prisma + PostgreSQL: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('conf');
  afterAll(() => schemas.dropAll());
  describeRecorderConformance('Prisma + PostgreSQL', (options = {}) => openConformanceStore(schemas, options));
}
