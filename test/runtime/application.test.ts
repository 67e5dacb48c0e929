import { describe, expect, it } from 'vitest';
import { Application, type ApplicationOptions } from '../../runtime/application.js';
import {
  AggregateDiscardedError,
  AggregateNotFoundError,
  ConcurrencyError,
  ConfigurationError,
  EventforgeError,
  IntegrityError,
} from '../../runtime/errors.js';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';
import type { Recorder } from '../../runtime/recorder.js';
import { Dog, Owner, kennelDomain } from './fixtures/kennel.js';
import { rejection } from './fixtures/rejection.js';

/** A hand-written application, as users write them. */
class Kennel extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ env: {}, ...options, domains: [kennelDomain] });
  }

  readonly dogs = this.repository(Dog);
  readonly owners = this.repository(Owner);

  async registerDog(name: string): Promise<string> {
    const dog = Dog.register(name);
    await this.save(dog);
    return dog.id;
  }

  async addTrick(dogId: string, trick: string): Promise<void> {
    const dog = await this.dogs.get(dogId);
    dog.addTrick(trick);
    await this.save(dog);
  }

  async getDog(dogId: string): Promise<{ name: string; tricks: string[] }> {
    const dog = await this.dogs.get(dogId);
    return { name: dog.name, tricks: dog.tricks.map((t) => t.name) };
  }
}

function kennel(options: ApplicationOptions = {}): { app: Kennel; recorder: Recorder } {
  const recorder = options.recorder ?? createMemoryRecorder();
  return { app: new Kennel({ ...options, recorder }), recorder };
}

describe('Application: save and get', () => {
  it('runs the DogSchool synopsis on a hand-written subclass', async () => {
    const { app } = kennel();
    const id = await app.registerDog('Fido');
    await app.addTrick(id, 'roll over');
    await app.addTrick(id, 'play dead');
    expect(await app.getDog(id)).toEqual({ name: 'Fido', tricks: ['roll over', 'play dead'] });
    expect(app.name).toBe('Kennel');
  });

  it('returns instances of the class asked for, with id, version and timestamps', async () => {
    const { app } = kennel();
    const registeredAt = new Date('2024-05-01T10:00:00.123Z');
    const dog = Dog.register('Rex', { timestamp: registeredAt });
    dog.addTrick('sit', 3);
    expect(dog.pendingEvents).toHaveLength(2);
    const ids = await app.save(dog);
    expect(ids).toHaveLength(2);
    expect(dog.pendingEvents).toHaveLength(0);

    const loaded = await app.dogs.get(dog.id);
    expect(loaded).toBeInstanceOf(Dog);
    expect(loaded).not.toBe(dog);
    expect(loaded.id).toBe(dog.id);
    expect(loaded.version).toBe(2);
    expect(loaded.name).toBe('Rex');
    expect(loaded.tricks).toEqual([{ name: 'sit', level: 3 }]);
    expect(loaded.createdOn.toISOString()).toBe(registeredAt.toISOString());
    expect(loaded.modifiedOn.getTime()).toBe(dog.modifiedOn.getTime());
    expect(loaded.pendingEvents).toEqual([]);
  });

  it('gets any past version, and the latest for a version beyond the end', async () => {
    const { app } = kennel();
    const dog = Dog.register('Rex');
    for (const trick of ['sit', 'stay', 'fetch']) dog.addTrick(trick);
    dog.rename('Max');
    await app.save(dog);
    const names = async (version: number) => (await app.dogs.get(dog.id, { version })).tricks.map((t) => t.name);
    expect(await names(1)).toEqual([]);
    expect(await names(2)).toEqual(['sit']);
    expect(await names(4)).toEqual(['sit', 'stay', 'fetch']);
    expect((await app.dogs.get(dog.id, { version: 4 })).name).toBe('Rex');
    expect((await app.dogs.get(dog.id, { version: 4 })).version).toBe(4);
    expect((await app.dogs.get(dog.id, { version: 5 })).name).toBe('Max');
    expect((await app.dogs.get(dog.id, { version: 99 })).version).toBe(5);
    await expect(app.dogs.get(dog.id, { version: 0 })).rejects.toThrow(/not a positive integer/);
    await expect(app.dogs.get(dog.id, { version: 1.5 })).rejects.toBeInstanceOf(EventforgeError);
  });

  it('saving an aggregate with no new events stores nothing', async () => {
    const { app, recorder } = kennel();
    const dog = Dog.register('Rex');
    await app.save(dog);
    expect(await app.save(dog)).toEqual([]);
    expect(await app.save()).toEqual([]);
    expect(await recorder.maxNotificationId()).toBe(1n);
  });

  it('an aggregate passed twice is stored once', async () => {
    const { app, recorder } = kennel();
    const dog = Dog.register('Rex');
    await app.save(dog, dog);
    expect((await recorder.readStream(dog.id)).map((e) => e.version)).toEqual([1]);
  });

  it('a command run while the aggregate is being saved is reported, not silently lost', async () => {
    const { app, recorder } = kennel();
    const dog = Dog.register('Rex');
    const saving = app.save(dog);
    dog.addTrick('too early'); // not awaited: triggered while the append is in flight
    await expect(saving).rejects.toThrow(/changed while being saved.*reload the aggregate/);
    expect((await recorder.readStream(dog.id)).map((e) => e.version)).toEqual([1]);
    expect((await app.dogs.get(dog.id)).tricks).toEqual([]);
  });

  it('continues an aggregate across saves', async () => {
    const { app } = kennel();
    const dog = Dog.register('Rex');
    await app.save(dog);
    dog.addTrick('sit');
    await app.save(dog);
    dog.addTrick('stay');
    await app.save(dog);
    expect((await app.dogs.get(dog.id)).version).toBe(3);
  });
});

describe('Application: not found', () => {
  it('a missing id', async () => {
    const { app } = kennel();
    const error = await rejection(app.dogs.get('no-such-dog'));
    expect(error).toBeInstanceOf(AggregateNotFoundError);
    expect((error as AggregateNotFoundError).id).toBe('no-such-dog');
    expect((error as AggregateNotFoundError).aggregate).toBe('Dog');
    expect(error.message).toBe('Dog no-such-dog not found');
    expect(await app.dogs.has('no-such-dog')).toBe(false);
  });

  it('a discarded aggregate, though its past versions stay readable', async () => {
    const { app } = kennel();
    const dog = Dog.register('Rex');
    dog.addTrick('sit');
    await app.save(dog);
    expect(await app.dogs.has(dog.id)).toBe(true);
    dog.retire();
    expect(() => dog.addTrick('stay')).toThrow(AggregateDiscardedError);
    await app.save(dog);
    await expect(app.dogs.get(dog.id)).rejects.toBeInstanceOf(AggregateNotFoundError);
    expect(await app.dogs.has(dog.id)).toBe(false);
    expect((await app.dogs.get(dog.id, { version: 2 })).tricks).toHaveLength(1);
    const atThree = await rejection(app.dogs.get(dog.id, { version: 3 }));
    expect(atThree).toBeInstanceOf(AggregateNotFoundError);
    expect((atThree as AggregateNotFoundError).version).toBe(3);
  });

  it('an id that belongs to another aggregate type', async () => {
    const { app } = kennel();
    const owner = Owner.register('Ann');
    await app.save(owner);
    await expect(app.dogs.get(owner.id)).rejects.toBeInstanceOf(AggregateNotFoundError);
    expect(await app.dogs.has(owner.id)).toBe(false);
    expect(await app.owners.has(owner.id)).toBe(true);
  });
});

describe('Application: atomic saves and optimistic concurrency', () => {
  it('saves several aggregates in one append', async () => {
    const { app } = kennel();
    const dog = Dog.register('Rex');
    const owner = Owner.register('Ann');
    owner.adopt(dog);
    const ids = await app.save(dog, owner);
    expect(ids).toHaveLength(3);
    expect((await app.owners.get(owner.id)).dogs).toEqual([dog.id]);
    expect(await app.dogs.has(dog.id)).toBe(true);
  });

  it('a conflict stores nothing of any aggregate, keeps pending events, and a retry after reloading succeeds', async () => {
    const { app, recorder } = kennel();
    const id = await app.registerDog('Rex');
    const stale = await app.dogs.get(id);
    await app.addTrick(id, 'sit'); // someone else moves the dog to version 2

    const owner = Owner.register('Ann');
    owner.adopt(stale);
    stale.addTrick('stay');
    const before = await recorder.maxNotificationId();
    const error = await rejection(app.save(owner, stale));
    expect(error).toBeInstanceOf(ConcurrencyError);
    const conflict = error as ConcurrencyError;
    expect(conflict.streamId).toBe(id);
    expect(conflict.expectedVersion).toBe(1);
    expect(conflict.actualVersion).toBe(2);
    expect(conflict.message).toMatch(/reload the aggregate and retry/);

    expect(await recorder.maxNotificationId()).toBe(before);
    expect(await app.owners.has(owner.id)).toBe(false);
    expect(owner.pendingEvents).toHaveLength(2);
    expect(stale.pendingEvents).toHaveLength(1);

    const fresh = await app.dogs.get(id);
    fresh.addTrick('stay');
    await app.save(owner, fresh);
    expect((await app.getDog(id)).tricks).toEqual(['sit', 'stay']);
    expect((await app.owners.get(owner.id)).dogs).toEqual([id]);
    expect(owner.pendingEvents).toHaveLength(0);
  });

  it('concurrent commands on one aggregate: one wins, the others raise ConcurrencyError', async () => {
    const { app } = kennel();
    const id = await app.registerDog('Rex');
    const copies = await Promise.all([1, 2, 3, 4].map(() => app.dogs.get(id)));
    copies.forEach((copy, i) => copy.addTrick(`trick ${i}`));
    const results = await Promise.allSettled(copies.map((copy) => app.save(copy)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect((await app.dogs.get(id)).version).toBe(2);
  });

  it('creating the same id twice is a conflict', async () => {
    const { app } = kennel();
    const first = Dog.register('Rex', { id: 'dog-1' });
    await app.save(first);
    const error = await rejection(app.save(Dog.register('Max', { id: 'dog-1' })));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).expectedVersion).toBe(0);
    expect((await app.dogs.get('dog-1')).name).toBe('Rex');
  });
});

describe('Application: notification log', () => {
  it('selects decoded events with their ids, by start, limit, topics and stop', async () => {
    const { app } = kennel();
    const dog = Dog.register('Rex');
    dog.addTrick('sit');
    const owner = Owner.register('Ann');
    owner.adopt(dog);
    const ids = await app.save(dog, owner);
    dog.addTrick('stay');
    ids.push(...(await app.save(dog)));

    const all = await app.log.select(1n, 10);
    expect(all.map((e) => e.id)).toEqual(ids);
    expect(all.map((e) => `${e.aggregate}.${e.event.type}`)).toEqual([
      'Dog.Registered',
      'Dog.TrickAdded',
      'Owner.Registered',
      'Owner.DogAdopted',
      'Dog.TrickAdded',
    ]);
    expect(all[1]!.event.data).toEqual({ trick: { name: 'sit', level: 1 } });
    expect(all[1]!.event.originatorId).toBe(dog.id);
    expect(all[1]!.event.originatorVersion).toBe(2);
    expect(all[1]!.topic).toBe('Kennel.Dog.TrickAdded');
    expect(all[1]!.event.timestamp).toBeInstanceOf(Date);

    expect((await app.log.select(ids[2]!, 2)).map((e) => e.id)).toEqual(ids.slice(2, 4));
    const tricks = await app.log.select(1n, 10, ['Kennel.Dog.TrickAdded']);
    expect(tricks.map((e) => e.id)).toEqual([ids[1], ids[4]]);
    const stopped = await app.log.select(1n, 10, { topics: ['Kennel.Dog.TrickAdded'], stop: ids[3]! });
    expect(stopped.map((e) => e.id)).toEqual([ids[1]]);
    expect(await app.log.maxId()).toBe(ids[4]);

    const streamed: bigint[] = [];
    for await (const logged of app.log.readAll(1n, 2)) streamed.push(logged.id);
    expect(streamed).toEqual(ids);
  });

  it('saveWithTracking records the upstream position atomically, exactly once', async () => {
    const { app, recorder } = kennel();
    const tracking = { application: app.name, upstream: 'Upstream', notificationId: 7n };
    await app.saveWithTracking(tracking, Dog.register('Rex'));
    expect(await recorder.maxTrackingId('Kennel', 'Upstream')).toBe(7n);
    const again = Dog.register('Max');
    await expect(app.saveWithTracking(tracking, again)).rejects.toBeInstanceOf(IntegrityError);
    expect(again.pendingEvents).toHaveLength(1);
    expect(await app.dogs.has(again.id)).toBe(false);
    expect(await recorder.maxNotificationId()).toBe(1n);
  });
});

describe('Application: store lifecycle and configuration', () => {
  it('opens the in-memory store from DATABASE_URL=memory: and closes it', async () => {
    const app = new Kennel({ env: { DATABASE_URL: 'memory:' } });
    expect(app.config.store).toEqual({ kind: 'memory' });
    const id = await app.registerDog('Rex');
    expect((await app.getDog(id)).name).toBe('Rex');
    const recorder = await app.recorder();
    await app.close();
    await expect(recorder.readStream(id)).rejects.toThrow(/closed/);
    await expect(app.getDog(id)).rejects.toThrow(/Kennel was closed/);
    await app.close();
  });

  it('does not close a recorder it was given', async () => {
    const recorder = createMemoryRecorder();
    const first = new Kennel({ recorder });
    const id = await first.registerDog('Rex');
    await first.close();
    const second = new Kennel({ recorder });
    expect((await second.getDog(id)).name).toBe('Rex');
  });

  it('a malformed setting fails the construction, naming the variable', () => {
    expect(() => new Kennel({ env: { DATABASE_URL: 'mysql://db/x' } })).toThrow(ConfigurationError);
    expect(() => new Kennel({ env: { DATABASE_URL: 'mysql://db/x' } })).toThrow(/DATABASE_URL/);
    expect(() => new Kennel({ env: { EVENTFORGE_COMPRESSION: 'gzip' } })).toThrow(/EVENTFORGE_COMPRESSION/);
    expect(() => new Kennel({ env: { EVENTFORGE_CIPHER_KEY: 'c2hvcnQ=' } })).toThrow(/32 bytes/);
    expect(() => new Kennel({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Cat:5' } })).toThrow(/Cat, which is not an aggregate/);
    expect(() => new Kennel({ snapshotEvery: { Dog: 0 } })).toThrow(/positive integer/);
    expect(() => new Kennel({ cipherKey: new Uint8Array(16) })).toThrow(/cipherKey option.*32 bytes/);
  });

  it('with a recorder given, DATABASE_URL is not read', async () => {
    const app = new Kennel({ recorder: createMemoryRecorder(), env: { DATABASE_URL: 'mysql://ignored' } });
    expect(app.config.store).toEqual({ kind: 'given' });
    expect(await app.dogs.has('x')).toBe(false);
  });

  it('the name can be set', () => {
    expect(new Kennel({ name: 'Shelter', recorder: createMemoryRecorder() }).name).toBe('Shelter');
  });

  it('refuses to load a class without a descriptor', () => {
    const app = new Application({ recorder: createMemoryRecorder() });
    class Plain extends Dog {}
    Object.defineProperty(Plain, 'descriptor', { value: undefined });
    expect(() => app.repository(Plain)).toThrow(/no static descriptor/);
  });

  it('an application without domains can still save and load the classes it is given', async () => {
    const app = new Application({ recorder: createMemoryRecorder() });
    const dog = Dog.register('Rex');
    await app.save(dog);
    expect((await app.repository(Dog).get(dog.id)).name).toBe('Rex');
  });
});
