/**
 * Two stores in two schemas of one database on one node-postgres pool (a PrismaPg adapter each,
 * over the same pool), as an application with two bounded contexts may have: saves and loads are
 * named statements on the pool's connections, so two stores must never give one name to two
 * different statements.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DogSchool } from '../../examples/dog-school.js';
import { migratePostgres, postgresTarget, readMigrations, storeMigrationsDir } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const skip = await postgresSkipReason();

describe.skipIf(skip !== undefined)(`two stores on one pool${skip === undefined ? '' : `: ${skip}`}`, () => {
  const schemas = new SchemaPool('twostores');
  afterAll(() => schemas.dropAll());

  it('save and load in turn on the one connection, each in its own schema', async () => {
    const [a, b] = [
      postgresTarget(TEST_DATABASE_URL, schemas.next()),
      postgresTarget(TEST_DATABASE_URL, schemas.next()),
    ];
    for (const target of [a, b]) {
      await migratePostgres(target, readMigrations(storeMigrationsDir('postgresql'), 'postgresql'));
    }
    // One connection: every statement of both stores is prepared on the same session.
    const pool = new pg.Pool({ ...a.config, max: 1 });
    const first = new DogSchool({ adapter: new PrismaPg(pool, { schema: a.schema }) });
    const second = new DogSchool({ adapter: new PrismaPg(pool, { schema: b.schema }) });
    try {
      for (let round = 0; round < 3; round++) {
        for (const [school, name] of [
          [first, `Fido ${round}`],
          [second, `Rex ${round}`],
        ] as const) {
          const id = await school.registerDog(name);
          const dog = await school.dogs.get(id);
          dog.addTrick('roll over');
          await school.save(dog);
          expect((await school.dogs.get(id)).name).toBe(name);
        }
      }
      const count = async (schema: string) =>
        Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".events`)).rows[0].n);
      expect([await count(a.schema), await count(b.schema)]).toEqual([6, 6]);
    } finally {
      await first.close();
      await second.close();
      await pool.end();
    }
  });
});
