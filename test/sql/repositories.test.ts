/**
 * The generated typed repositories (generated/<domain>/repositories.ts) behave the same on every
 * store: the same script of commands gives the same aggregates in memory, in a SQLite file and on
 * PostgreSQL (through the Prisma recorders), chosen only by DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DogBase, dogSchoolDomain } from '../../generated/dog-school/index.js';
import { dogRepository, dogSchoolRepositories } from '../../generated/dog-school/repositories.js';
import { accountRepository } from '../../generated/bank/repositories.js';
import { Application } from '../../runtime/application.js';
import { AggregateNotFoundError, ConcurrencyError } from '../../runtime/errors.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

/** A hand-written subclass with a command, as applications write them. */
class TrainedDog extends DogBase {
  teach(trick: string): void {
    this.triggerTrickAdded({ trick: { name: trick } });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'eventforge-repositories-'));
const schemas = new SchemaPool('repos');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const skip = await postgresSkipReason();
const stores: [string, () => string][] = [
  ['in-memory', () => 'memory:'],
  ['SQLite file', () => `file:${join(dir, `dogs-${Math.random().toString(36).slice(2)}.sqlite`)}`],
  ...(skip === undefined
    ? [['PostgreSQL', () => `${TEST_DATABASE_URL}?schema=${schemas.next()}`] as [string, () => string]]
    : []),
];
if (skip !== undefined)
  describe.skip(`typed repositories on PostgreSQL: ${skip}`, () => it('skipped', () => undefined));

/** The same commands on any store; returns what the repositories saw. */
async function script(url: string) {
  const app = new Application({ domains: [dogSchoolDomain], env: { DATABASE_URL: url } });
  try {
    const dogs = dogRepository(app, TrainedDog);
    const fido = TrainedDog.create({ name: 'Fido' }, { id: 'dog-fido', timestamp: new Date('2024-01-01T00:00:00Z') });
    await app.save(fido);
    for (const trick of ['sit', 'roll over', 'play dead']) {
      const dog = await dogs.get('dog-fido');
      expect(dog).toBeInstanceOf(TrainedDog);
      dog.teach(trick);
      await app.save(dog);
    }
    // A stale copy of the aggregate is refused, and the store keeps what was saved.
    const stale = await dogs.get('dog-fido', { version: 2 });
    stale.teach('beg');
    const conflict = await app.save(stale).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConcurrencyError);

    const generated = dogSchoolRepositories(app).dog; // the generated concrete class
    const latest = await generated.get('dog-fido');
    const missing = await dogs.get('no-such-dog').catch((e: unknown) => e);
    return {
      name: latest.name,
      tricks: latest.tricks.map((t) => t.name),
      version: latest.version,
      atVersion2: (await dogs.get('dog-fido', { version: 2 })).tricks.map((t) => t.name),
      has: [await dogs.has('dog-fido'), await dogs.has('no-such-dog')],
      missing: missing instanceof AggregateNotFoundError,
    };
  } finally {
    await app.close();
  }
}

describe('generated typed repositories', () => {
  it.each(stores)('%s: load, save, version, conflicts', async (_label, url) => {
    expect(await script(url())).toEqual({
      name: 'Fido',
      tricks: ['sit', 'roll over', 'play dead'],
      version: 4,
      atVersion2: ['sit'],
      has: [true, false],
      missing: true,
    });
  });

  it('an aggregate with hand-written handlers needs its subclass (checked by tsc)', () => {
    const app = new Application({ env: { DATABASE_URL: 'memory:' } });
    // @ts-expect-error Account has custom handlers: there is no generated class to default to.
    expect(() => accountRepository(app)).toThrow();
  });
});
