/**
 * Issue 18 point 3: saves inside the user's `prisma.$transaction(async (tx) => …)`, through
 * `app.on(tx)`, on the fixture project's generated PrismaClient and one shared adapter. Events,
 * snapshots, tracking records and the user's rows commit or roll back together; a refused save
 * leaves the transaction usable and stores none of its events.
 */
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, IntegrityError } from '../../runtime/errors.js';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { Identity, User } from '../../examples/identity.js';
import { createMemoryRecorder, generateCipherKey } from '../../runtime/index.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import type { Provider } from './prisma-project.js';
import { useUserSetup, type UserSetup } from './user-setup.js';

const pgSkip = await postgresSkipReason();

describe.each<Provider>(['sqlite', 'postgresql'])('saves in a Prisma transaction on %s', (provider) => {
  const skip = provider === 'postgresql' ? pgSkip : undefined;
  const current = useUserSetup(provider, 'prismatx', skip, { snapshotEvery: { Dog: 2 } });
  let setup: UserSetup;
  beforeEach(() => {
    if (skip === undefined) setup = current();
  });

  const events = (streamId: string) => setup.prisma.event.count({ where: { streamId } });

  it('a stale aggregate saved after a user write rolls the user row back', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dogId = await setup.school.registerDog('Lassie');
    await setup.school.addTrick(dogId, 'sit'); // version 2: a copy at version 1 is stale
    const users = await setup.prisma.user.count();
    const stale = await setup.school.dogs.get(dogId, { version: 1 });
    stale.addTrick('roll');
    await expect(
      setup.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'first@example.com', name: 'First' } });
        await setup.school.on(tx).save(stale);
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await setup.prisma.user.count()).toBe(users);
    expect(await events(dogId)).toBe(2);
  });

  it('a refused save stores none of its events and leaves the transaction usable', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dogId = await setup.registry.registerDog('Benji', { id: 'o-benji', name: 'Kim' });
    await setup.school.addTrick(dogId, 'sit');
    const stale = await setup.school.dogs.get(dogId, { version: 1 });
    stale.addTrick('a');
    stale.addTrick('b'); // versions 2 and 3: 2 is taken, 3 is free; neither may be stored
    const fresh = Dog.create({ name: 'Fresh' });
    await setup.prisma.$transaction(async (tx) => {
      await expect(setup.school.on(tx).save(fresh, stale)).rejects.toBeInstanceOf(ConcurrencyError);
      await tx.user.create({ data: { email: 'after-refusal@example.com', name: 'After' } });
    });
    expect(await events(dogId)).toBe(2);
    expect(await events(fresh.id)).toBe(0);
    expect((await setup.prisma.user.findMany({ where: { email: 'after-refusal@example.com' } })).length).toBe(1);
  });

  it('metadata given to a save in the transaction is stored with its events and read back from the store', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dog = Dog.create({ name: 'Rex' });
    dog.addTrick('sit');
    await setup.prisma.$transaction(async (tx) => {
      await setup.school.on(tx).save(dog, { metadata: { correlationId: 'request-7' } });
    });
    expect(await setup.school.metadataOf(dog.id, 1)).toEqual({ correlationId: 'request-7' });
    expect(await setup.school.metadataOf(dog.id, 2)).toEqual({ correlationId: 'request-7' });
    const logged = [];
    for await (const event of setup.school.log.readAll()) if (event.event.originatorId === dog.id) logged.push(event);
    expect(logged.map((e) => e.metadata)).toEqual([{ correlationId: 'request-7' }, { correlationId: 'request-7' }]);
  });

  it('a tracking record commits and rolls back with the transaction; a repeat refuses the user rows too', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const tracking = { application: 'Registrar', upstream: 'Shelter', notificationId: 7n };
    await expect(
      setup.prisma.$transaction(async (tx) => {
        await setup.school.on(tx).saveWithTracking(tracking, Dog.create({ name: 'Tracked' }));
        throw new Error('the user changed their mind');
      }),
    ).rejects.toThrow('changed their mind');
    expect(await setup.prisma.tracking.count()).toBe(0);
    await setup.prisma.$transaction((tx) =>
      setup.school.on(tx).saveWithTracking(tracking, Dog.create({ name: 'Tracked' })),
    );
    expect(await setup.prisma.tracking.count()).toBe(1);
    await expect(
      setup.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'twice@example.com', name: 'Twice' } });
        await setup.school.on(tx).saveWithTracking(tracking, Dog.create({ name: 'Again' }));
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect((await setup.prisma.user.findMany({ where: { email: 'twice@example.com' } })).length).toBe(0);
  });

  it('a stale aggregate saved with a tracking record: ConcurrencyError, no tracking record, the transaction goes on', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dogId = await setup.school.registerDog('Tracked twice');
    await setup.school.addTrick(dogId, 'sit');
    const stale = await setup.school.dogs.get(dogId, { version: 1 });
    stale.addTrick('down');
    const tracking = { application: 'Registrar', upstream: 'Stale', notificationId: 1n };
    await setup.prisma.$transaction(async (tx) => {
      await expect(
        setup.school.on(tx).saveWithTracking(tracking, Dog.create({ name: 'New' }), stale),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await tx.user.create({ data: { email: 'went-on@example.com', name: 'On' } });
    });
    expect(await setup.prisma.tracking.count({ where: { upstream: 'Stale' } })).toBe(0);
    expect(await events(dogId)).toBe(2);
    expect((await setup.prisma.user.findMany({ where: { email: 'went-on@example.com' } })).length).toBe(1);
  });

  it('personal data: the data key is stored with the events, and rolls back with them', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const identity = new Identity({ adapter: setup.adapter, env: { EVENTFORGE_MASTER_KEY: generateCipherKey() } });
    try {
      const kept = User.register('kept@example.com', 'Kept');
      await setup.prisma.$transaction((tx) => identity.on(tx).save(kept));
      expect(await setup.prisma.dataKey.count({ where: { subject: kept.id } })).toBe(1);
      expect((await identity.users.get(kept.id)).email).toBe('kept@example.com');
      const dropped = User.register('dropped@example.com', 'Dropped');
      await expect(
        setup.prisma.$transaction(async (tx) => {
          await identity.on(tx).save(dropped);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await setup.prisma.dataKey.count({ where: { subject: dropped.id } })).toBe(0);
      expect(await events(dropped.id)).toBe(0);
    } finally {
      await identity.close();
    }
  });

  it('a snapshot taken by the save is part of the transaction', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const snapshotted = () => {
      const dog = Dog.create({ name: 'Snap' });
      dog.addTrick('sit'); // version 2: a multiple of the interval, so the save takes a snapshot
      return dog;
    };
    const rolledBack = snapshotted();
    await expect(
      setup.prisma.$transaction(async (tx) => {
        await setup.school.on(tx).save(rolledBack);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await setup.prisma.snapshot.count({ where: { streamId: rolledBack.id } })).toBe(0);
    const kept = snapshotted();
    await setup.prisma.$transaction((tx) => setup.school.on(tx).save(kept));
    expect(await setup.prisma.snapshot.count({ where: { streamId: kept.id } })).toBe(1);
    expect(await setup.school.getDog(kept.id)).toEqual({ name: 'Snap', tricks: ['sit'] });
  });

  it("a save outside the transaction while one is open is not swallowed by the transaction's rollback", async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => undefined as void;
    const open = new Promise<void>((resolve) => (started = resolve));
    const transaction = setup.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'held@example.com', name: 'Held' } });
      started();
      await held;
      throw new Error('the held transaction rolls back');
    });
    await open;
    const outside = setup.school.registerDog('Outside');
    // On SQLite the save waits for the connection; give it the chance to slip into the open transaction.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await expect(transaction).rejects.toThrow('rolls back');
    const dogId = await outside;
    expect(await events(dogId)).toBe(1);
    expect(await setup.school.getDog(dogId)).toEqual({ name: 'Outside', tricks: [] });
  });

  it('an application in memory refuses to save in a transaction, and one given a recorder and an adapter is refused', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const inMemory = new DogSchool({ env: { DATABASE_URL: 'memory:' } });
    await expect(
      setup.prisma.$transaction((tx) => inMemory.on(tx).save(Dog.create({ name: 'Nowhere' }))),
    ).rejects.toThrow(/saving inside a Prisma transaction needs the SQLite or PostgreSQL store/);
    expect(() => new DogSchool({ recorder: createMemoryRecorder(), adapter: setup.adapter })).toThrow(
      'give an application a recorder or a Prisma adapter, not both',
    );
    await inMemory.close();
  });

  it('PostgreSQL: the append procedure cannot run inside a transaction, which is why saves there use a function', async (ctx) => {
    if (provider !== 'postgresql') ctx.skip('PostgreSQL only');
    if (skip !== undefined) ctx.skip(skip);
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    try {
      await client.query('BEGIN');
      const call = `CALL "${setup.schema}".eventforge_append(ARRAY['in-outer'], ARRAY[1], ARRAY['T.A.E'], ARRAY[1],
        ARRAY[now()], ARRAY['\\x00'::bytea], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;
      await expect(client.query(call)).rejects.toThrow(/invalid transaction termination/);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  it("PostgreSQL: a subscription on the adapter's application is woken by the commit of a save in a transaction", async (ctx) => {
    if (provider !== 'postgresql') ctx.skip('PostgreSQL only');
    if (skip !== undefined) ctx.skip(skip);
    const after = await (await setup.school.recorder()).maxNotificationId();
    const controller = new AbortController();
    // No polling to speak of: only the NOTIFY can wake it within the test's time.
    const subscription = setup.school.log.subscribe({ after, signal: controller.signal, pollIntervalMs: 600_000 });
    const first = subscription[Symbol.asyncIterator]().next();
    const dog = Dog.create({ name: 'Woken' });
    await setup.prisma.$transaction((tx) => setup.school.on(tx).save(dog));
    const woken = await Promise.race([first, new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
    controller.abort();
    expect(woken).toMatchObject({
      done: false,
      value: { topic: 'DogSchool.Dog.Registered', event: { originatorId: dog.id } },
    });
  });

  it('PostgreSQL: the log notification is sent when the transaction commits, never on a rollback', async (ctx) => {
    if (provider !== 'postgresql') ctx.skip('PostgreSQL only: SQLite wakes readers by polling its change counter');
    if (skip !== undefined) ctx.skip(skip);
    const listener = new pg.Client(TEST_DATABASE_URL);
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (m) => {
      if (m.payload === setup.schema) heard.push(m.channel);
    });
    await listener.query('LISTEN eventforge_log');
    try {
      let committing = () => undefined as void;
      const saved = new Promise<void>((resolve) => (committing = resolve));
      const done = setup.prisma.$transaction(async (tx) => {
        await setup.school.on(tx).save(Dog.create({ name: 'Heard' }));
        committing();
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      await saved;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(heard).toEqual([]); // saved, not committed: nothing yet
      await done;
      await expect.poll(() => heard.length, { timeout: 5000 }).toBe(1);
      await expect(
        setup.prisma.$transaction(async (tx) => {
          await setup.school.on(tx).save(Dog.create({ name: 'Unheard' }));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard.length).toBe(1);
    } finally {
      await listener.end();
    }
  });
});
