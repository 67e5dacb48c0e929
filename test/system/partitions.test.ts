/**
 * Partitions of a follower: the hash that places a stream, the tracking keys, where a new
 * partitioning starts (and when it is refused), and a follower re-split from one to three
 * partitions on PostgreSQL continuing without processing anything twice.
 */
import { type ApplicationOptions, partitionOf, SystemError, systemSlots, Worker } from 'eventforge/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionKey, startingPosition } from '../../runtime/system/partitions.js';
import { Counters } from '../../examples/counters.js';
import { DogSchool } from '../../examples/dog-school.js';
import { system as shop } from '../../examples/shop.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { counters, counting } from './fixtures/systems.js';

describe('partitions of a follower', () => {
  it('places a stream by a stable hash of its id, spreading ids over every partition', () => {
    // FNV-1a of the UTF-8 bytes: the same in every process and on every machine.
    expect(partitionOf('a', 1_000_000)).toBe(0xe40c292c % 1_000_000);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[partitionOf(`dog-${i}`, 3)]!++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(partitionOf('dog-1', 3)).toBe(partitionOf('dog-1', 3));
  });

  it('keys each partition’s tracking apart and keeps the plain key unpartitioned', () => {
    expect(partitionKey('DogSchool', undefined)).toBe('DogSchool');
    expect(partitionKey('DogSchool', { index: 0, count: 1 })).toBe('DogSchool');
    expect(partitionKey('DogSchool', { index: 1, count: 3 })).toBe('DogSchool#2/3');
  });

  it('names each slot of a system and refuses partitions it cannot have', () => {
    expect(systemSlots(counting, { Counters: 2 }).map((s) => [s.lease, s.tracking.upstream, s.parkKey])).toEqual([
      ['Counters/DogSchool#1/2', 'DogSchool#1/2', 'Counters/DogSchool#1/2'],
      ['Counters/DogSchool#2/2', 'DogSchool#2/2', 'Counters/DogSchool#2/2'],
      ['TaughtTricks/DogSchool', 'eventforge.log', 'TaughtTricks'],
    ]);
    // A projection tracks and parks under its own name (the view's), not its class name.
    expect(systemSlots(shop).map((s) => [s.lease, s.tracking.application, s.tracking.upstream, s.parkKey])).toEqual([
      ['Reservations/Orders', 'Reservations', 'Orders', 'Reservations/Orders'],
      ['Payments/Reservations', 'Payments', 'Reservations', 'Payments/Reservations'],
      ['StockLevelsProjection/Reservations', 'StockLevels', 'eventforge.log', 'StockLevels'],
    ]);
    expect(() => systemSlots(counting, { Countres: 2 })).toThrow(
      'partitions: the system has no follower Countres; its followers are Counters, TaughtTricks',
    );
    expect(() => systemSlots(counting, { TaughtTricks: 2 })).toThrow(
      'partitions: TaughtTricks is a projection; only process applications can be partitioned',
    );
    expect(() => systemSlots(counting, { Counters: 0 })).toThrow(
      'Counters: partitions must be an integer from 1 to 1024, got 0',
    );
    expect(() => systemSlots(counting, {}, ['DogSchool'])).toThrow(
      'the system has no follower DogSchool; its followers are Counters, TaughtTricks',
    );
  });

  it('starts a new partitioning where a drained one stopped, and refuses one left unevenly', () => {
    const mine = { index: 0, count: 3 };
    expect(startingPosition('Counters', 'DogSchool', mine, new Map())).toBe(0n);
    expect(startingPosition('Counters', 'DogSchool', mine, new Map([['DogSchool', 40n]]))).toBe(40n);
    // Back to one from three drained partitions; an older, lower position is behind and ignored.
    const drained = new Map([
      ['DogSchool', 10n],
      ['DogSchool#1/3', 70n],
      ['DogSchool#2/3', 70n],
      ['DogSchool#3/3', 70n],
    ]);
    expect(startingPosition('Counters', 'DogSchool', { index: 0, count: 1 }, drained)).toBe(70n);
    expect(startingPosition('Counters', 'DogSchool', mine, new Map([['Other#1/2', 99n]]))).toBe(0n);
    const uneven = new Map([
      ['DogSchool#1/2', 70n],
      ['DogSchool#2/2', 65n],
    ]);
    expect(() => startingPosition('Counters', 'DogSchool', mine, uneven)).toThrow(
      new SystemError(
        'Counters: it was run in 2 partitions, which stand at different positions (70, 65); run it with 2 ' +
          'partitions until quiet (every partition at the same position), then change the number of partitions',
      ),
    );
  });
});

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('partitions');
afterAll(() => schemas.dropAll());

describe.skipIf(postgresSkip !== undefined)('a follower re-split on PostgreSQL', () => {
  it('continues from one to three partitions with nothing processed twice', async () => {
    const names = new Map(counters.classes.map((cls) => [cls.name, schemas.next()]));
    const applicationOptions = (name: string): ApplicationOptions => ({
      env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
    });
    const school = new DogSchool({ ...applicationOptions('DogSchool'), name: 'DogSchool' });
    const app = new Counters({ ...applicationOptions('Counters'), name: 'Counters' });
    try {
      const dogs = [];
      for (let i = 0; i < 6; i++) dogs.push(await school.registerDog(`dog ${i}`));
      for (const dog of dogs) await school.addTrick(dog, 'sit');
      const one = new Worker(counters, { applicationOptions, id: 'one', leaseTtlMs: 1000 });
      await one.start();
      const head = await school.log.maxId();
      await waitFor(async () => (await (await app.recorder()).maxTrackingId('Counters', 'DogSchool')) === head);
      await one.stop();

      for (const dog of dogs) await school.addTrick(dog, 'sit');
      const three = new Worker(counters, {
        applicationOptions,
        id: 'three',
        leaseTtlMs: 1000,
        partitions: { Counters: 3 },
      });
      await three.start();
      expect(three.status().map((s) => [s.lease, s.owned])).toEqual([
        ['Counters/DogSchool#1/3', true],
        ['Counters/DogSchool#2/3', true],
        ['Counters/DogSchool#3/3', true],
      ]);
      const last = await school.log.maxId();
      const recorder = await app.recorder();
      await waitFor(async () => {
        const positions = await Promise.all(
          [1, 2, 3].map((i) => recorder.maxTrackingId('Counters', `DogSchool#${i}/3`)),
        );
        return positions.every((p) => p === last);
      });
      await three.stop();
      expect(await app.countOf('sit')).toBe(12);
      let events = 0;
      for await (const _ of app.log.readAll()) events++;
      expect(events).toBe(1 + 12);
    } finally {
      await Promise.all([school.close(), app.close()]);
    }
  });
});

async function waitFor(done: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
