/**
 * The application's guarantees on every real store, opened the way users open them — through
 * DATABASE_URL: the in-memory store, a SQLite file, and PostgreSQL (a fresh schema per test;
 * skipped with a reason when no server is reachable, except under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application, type ApplicationOptions } from '../../runtime/application.js';
import { ConcurrencyError, DecryptionError, EventforgeError, IntegrityError } from '../../runtime/errors.js';
import { Mapper } from '../../runtime/mapper.js';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import { TopicRegistry } from '../../runtime/topics.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { Dog, Owner, dogDescriptorV1, kennelDomain } from './fixtures/kennel.js';

interface Store {
  readonly label: string;
  /** DATABASE_URL of a fresh, empty store. */
  fresh(): string;
}

const dir = mkdtempSync(join(tmpdir(), 'eventforge-app-stores-'));
let files = 0;
const schemas = new SchemaPool('app');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const postgresSkip = await postgresSkipReason();
const stores: Store[] = [
  { label: 'in-memory', fresh: () => 'memory:' },
  { label: 'SQLite file', fresh: () => `file:${join(dir, `app-${++files}.sqlite`)}` },
];
if (postgresSkip === undefined) {
  stores.push({ label: 'PostgreSQL', fresh: () => `${TEST_DATABASE_URL}?schema=${schemas.next()}` });
} else {
  describe.skip(`Application on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));
}

describe.each(stores)('Application on the $label store', (store) => {
  let url: string;
  const apps: Application[] = [];
  const open = (options: ApplicationOptions = {}) => {
    const app = new Application({
      domains: [kennelDomain],
      name: 'Kennel',
      ...options,
      env: { DATABASE_URL: url, ...options.env },
    });
    apps.push(app);
    return app;
  };

  beforeEach(() => {
    url = store.fresh();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('saves several aggregates atomically; a conflict stores nothing and a retry succeeds', async () => {
    const app = open();
    const dog = Dog.register('Rex');
    const owner = Owner.register('Ann');
    owner.adopt(dog);
    const ids = await app.save(dog, owner);
    expect(ids.map((id) => typeof id)).toEqual(['bigint', 'bigint', 'bigint']);

    const stale = await app.repository(Dog).get(dog.id);
    dog.addTrick('sit');
    await app.save(dog);
    const second = Owner.register('Bob');
    second.adopt(stale);
    stale.addTrick('stay');
    const before = await app.log.maxId();
    await expect(app.save(second, stale)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await app.log.maxId()).toBe(before);
    expect(await app.repository(Owner).has(second.id)).toBe(false);

    const fresh = await app.repository(Dog).get(dog.id);
    fresh.addTrick('stay');
    await app.save(second, fresh);
    expect((await app.repository(Dog).get(dog.id)).tricks.map((t) => t.name)).toEqual(['sit', 'stay']);
    expect((await app.repository(Owner).get(second.id)).dogs).toEqual([dog.id]);
  });

  it('concurrent saves of one aggregate: exactly one wins', async () => {
    const app = open();
    const dog = Dog.register('Rex');
    await app.save(dog);
    const copies = await Promise.all([1, 2, 3, 4].map(() => app.repository(Dog).get(dog.id)));
    copies.forEach((c, i) => c.addTrick(`t${i}`));
    const results = await Promise.allSettled(copies.map((c) => app.save(c)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect((await app.repository(Dog).get(dog.id)).version).toBe(2);
  });

  it('snapshots every N events, and loads past versions from the right snapshot', async () => {
    const app = open({ snapshotEvery: { Dog: 3 } });
    const dog = Dog.register('Rex');
    await app.save(dog);
    for (let i = 1; i <= 7; i++) {
      dog.addTrick(`t${i}`);
      await app.save(dog);
    }
    const recorder = await app.recorder();
    expect((await recorder.latestSnapshot(dog.id))?.version).toBe(6);
    expect((await recorder.latestSnapshot(dog.id, 5))?.version).toBe(3);
    expect((await app.repository(Dog).get(dog.id)).tricks).toHaveLength(7);
    expect((await app.repository(Dog).get(dog.id, { version: 5 })).tricks.map((t) => t.name)).toEqual([
      't1',
      't2',
      't3',
      't4',
    ]);
  });

  it('reads what another application instance wrote (durable stores), through the log too', async () => {
    const writer = open();
    const dog = Dog.register('Rex');
    dog.addTrick('sit', 5);
    await writer.save(dog);
    const reader = url === 'memory:' ? writer : open();
    expect((await reader.repository(Dog).get(dog.id)).tricks).toEqual([{ name: 'sit', level: 5 }]);
    const logged = await reader.log.select(1n, 10, ['Kennel.Dog.TrickAdded']);
    expect(logged.map((e) => e.event.data)).toEqual([{ trick: { name: 'sit', level: 5 } }]);
  });

  it('upcasts old events and snapshots stored in the database', async () => {
    const app = open();
    const recorder = await app.recorder();
    const old = new Mapper(new TopicRegistry([{ name: 'Kennel', aggregates: [dogDescriptorV1] }]));
    const t = new Date('2023-06-01T00:00:00.000Z');
    await recorder.append([
      old.toStoredEvent(dogDescriptorV1, {
        type: 'Registered',
        originatorId: 'old',
        originatorVersion: 1,
        timestamp: t,
        data: { name: 'Old' },
      }),
      old.toStoredEvent(dogDescriptorV1, {
        type: 'TrickAdded',
        originatorId: 'old',
        originatorVersion: 2,
        timestamp: t,
        data: { trick: 'sit' },
      }),
      old.toStoredEvent(dogDescriptorV1, {
        type: 'TrickAdded',
        originatorId: 'old',
        originatorVersion: 3,
        timestamp: t,
        data: { trick: 'beg' },
      }),
    ]);
    await recorder.saveSnapshot(
      old.toStoredSnapshot(dogDescriptorV1, {
        id: 'old',
        version: 2,
        createdOn: t,
        modifiedOn: t,
        discarded: false,
        state: { name: 'Old', tricks: ['sit'] },
      }),
    );
    const dog = await app.repository(Dog).get('old');
    expect(dog.tricks).toEqual([
      { name: 'sit', level: 1 },
      { name: 'beg', level: 1 },
    ]);
    expect(dog.createdOn.toISOString()).toBe(t.toISOString());
  });

  it('stores encrypted, compressed payloads as exact bytes', async () => {
    const key = generateCipherKey();
    const app = open({
      env: { EVENTFORGE_CIPHER_KEY: key, EVENTFORGE_COMPRESSION: 'deflate' },
      snapshotEvery: { Dog: 2 },
    });
    const dog = Dog.register('Secret '.repeat(5).trim());
    dog.addTrick('hidden');
    await app.save(dog);
    const recorder = await app.recorder();
    for (const e of await recorder.readStream(dog.id)) {
      expect(e.state[0]).toBe(0x03);
      expect(Buffer.from(e.state).includes('Secret')).toBe(false);
    }
    expect((await app.repository(Dog).get(dog.id)).name).toBe('Secret '.repeat(5).trim());
    const otherKey = { env: { EVENTFORGE_CIPHER_KEY: generateCipherKey() } };
    // The in-memory store is per application: the stranger shares its recorder instead.
    const stranger = url === 'memory:' ? open({ ...otherKey, recorder }) : open(otherKey);
    await expect(stranger.repository(Dog).get(dog.id)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('tracking: a processed notification cannot be processed twice', async () => {
    const app = open();
    const tracking = { application: 'Kennel', upstream: 'Shelter', notificationId: 2n ** 40n };
    await app.saveWithTracking(tracking, Dog.register('Rex'));
    const again = Dog.register('Max');
    await expect(app.saveWithTracking(tracking, again)).rejects.toBeInstanceOf(IntegrityError);
    expect(await app.repository(Dog).has(again.id)).toBe(false);
    expect(await (await app.recorder()).maxTrackingId('Kennel', 'Shelter')).toBe(2n ** 40n);
  });
});

describe('a snapshot that cannot be stored (SQLite file whose snapshots table was dropped)', () => {
  it('fails the save saying the events were stored, and leaves no event pending', async () => {
    const file = join(dir, `no-snapshots-${++files}.sqlite`);
    const app = new Application({
      domains: [kennelDomain],
      name: 'Kennel',
      env: { DATABASE_URL: `file:${file}` },
      snapshotEvery: { Dog: 2 },
    });
    try {
      const rex = Dog.register('Rex');
      const max = Dog.register('Max');
      await app.save(rex, max);
      await app.recorder(); // the file and its tables exist
      const db = new Database(file);
      db.exec('DROP TABLE snapshots');
      db.close();
      rex.addTrick('sit');
      max.addTrick('beg');
      const error = await app.save(rex, max).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventforgeError);
      expect((error as Error).message).toMatch(
        /^the events were saved, but the snapshot of Dog \S+ at version 2 could not be stored/,
      );
      // Both aggregates forgot their stored events, so the next command saves cleanly.
      expect([rex.pendingEvents.length, max.pendingEvents.length]).toEqual([0, 0]);
      const recorder = await app.recorder();
      expect((await recorder.readStream(rex.id)).map((e) => e.version)).toEqual([1, 2]);
      expect((await recorder.readStream(max.id)).map((e) => e.version)).toEqual([1, 2]);
    } finally {
      await app.close();
    }
  });
});
