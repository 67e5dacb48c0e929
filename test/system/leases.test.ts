/**
 * The leases table on PostgreSQL: one owner at a time, expiry by the database's clock, renewal
 * only by the owner, release, the failure an owner notes, live workers counted.
 */
import { Leases } from 'eventforge/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('leases');
afterAll(() => schemas.dropAll());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(postgresSkip !== undefined)('leases on PostgreSQL', () => {
  it('one owner until it expires or is released; only the owner renews, releases or notes a failure', async () => {
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      const leases = new Leases(recorder);
      expect(await leases.acquire('Counters/DogSchool', 'A', 300)).toBe(true);
      expect(await leases.acquire('Counters/DogSchool', 'B', 300)).toBe(false);
      expect(await leases.acquire('Counters/DogSchool', 'A', 300)).toBe(true); // its own: renewed
      expect(await leases.renew('Counters/DogSchool', 'B', 300)).toBe(false);
      await leases.release('Counters/DogSchool', 'B'); // not B's: nothing happens
      await leases.fail('Counters/DogSchool', 'B', 'not mine');
      let [lease] = await leases.list();
      expect(lease).toMatchObject({ name: 'Counters/DogSchool', owner: 'A', live: true, failure: undefined });
      await leases.fail('Counters/DogSchool', 'A', 'policy failed');
      [lease] = await leases.list();
      expect(lease!.failure).toBe('policy failed');
      expect(lease!.expiresAt.getTime() - lease!.renewedAt.getTime()).toBe(300);

      await pause(400); // expired by the database's clock: another owner may take it, and the failure goes
      expect((await leases.list())[0]!.live).toBe(false);
      expect(await leases.acquire('Counters/DogSchool', 'B', 300)).toBe(true);
      expect(await leases.renew('Counters/DogSchool', 'A', 300)).toBe(false);
      [lease] = await leases.list();
      expect(lease).toMatchObject({ owner: 'B', live: true, failure: undefined });
      await leases.release('Counters/DogSchool', 'B');
      expect(await leases.list()).toEqual([]);
      expect(await leases.acquire('Counters/DogSchool', 'A', 300)).toBe(true);
    } finally {
      await recorder.close();
    }
  });

  it('a new epoch (fencing token) at every take-over, above every earlier one; kept while its owner holds it', async () => {
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      const leases = new Leases(recorder);
      const first = (await leases.take('Counters/DogSchool', 'A', 300))!;
      expect(await leases.take('Counters/DogSchool', 'B', 300)).toBeUndefined();
      expect(await leases.take('Counters/DogSchool', 'A', 300)).toBe(first); // its own, live: the same ownership
      expect(await leases.renew('Counters/DogSchool', 'A', 300)).toBe(true);
      expect((await leases.list())[0]!.epoch).toBe(first);
      await pause(400);
      const second = (await leases.take('Counters/DogSchool', 'B', 300))!; // taken over
      expect(second).toBeGreaterThan(first);
      await leases.release('Counters/DogSchool', 'B');
      const third = (await leases.take('Counters/DogSchool', 'A', 300))!; // released and taken again: still above
      expect(third).toBeGreaterThan(second);
      await pause(400);
      expect(await leases.take('Counters/DogSchool', 'A', 300)).toBeGreaterThan(third); // its own, expired: anew
    } finally {
      await recorder.close();
    }
  });

  it('counts the live workers by their own rows (at least one)', async () => {
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      const leases = new Leases(recorder);
      expect(await leases.liveWorkers()).toBe(1);
      await leases.acquire('worker/a', 'a', 300);
      await leases.acquire('worker/b', 'b', 5000);
      await leases.acquire('Counters/DogSchool', 'a', 5000); // a lease, not a worker
      expect(await leases.liveWorkers()).toBe(2);
      await pause(400);
      expect(await leases.liveWorkers()).toBe(1);
    } finally {
      await recorder.close();
    }
  });
});
