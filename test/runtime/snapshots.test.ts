import { describe, expect, it } from 'vitest';
import { Application, type ApplicationOptions } from '../../runtime/application.js';
import { AggregateNotFoundError } from '../../runtime/errors.js';
import { Mapper } from '../../runtime/mapper.js';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';
import type { Recorder } from '../../runtime/recorder.js';
import { TopicRegistry } from '../../runtime/topics.js';
import { Dog, Owner, dogDescriptor, kennelDomain } from './fixtures/kennel.js';

function app(options: ApplicationOptions = {}): { app: Application; recorder: Recorder } {
  const recorder = createMemoryRecorder();
  return { app: new Application({ env: {}, domains: [kennelDomain], recorder, ...options }), recorder };
}

async function snapshotVersions(recorder: Recorder, id: string, upTo: number): Promise<number[]> {
  const versions: number[] = [];
  for (let v = 1; v <= upTo; v++) {
    const s = await recorder.latestSnapshot(id, v);
    if (s?.version === v) versions.push(v);
  }
  return versions;
}

/** Saves one trick per save until the dog reaches `version`. */
async function growTo(application: Application, dog: Dog, version: number): Promise<void> {
  while (dog.version < version) {
    dog.addTrick(`trick ${dog.version}`);
    await application.save(dog);
  }
}

describe('snapshots', () => {
  it('are taken when a save crosses a multiple of the schema interval (Dog: every 5)', async () => {
    const { app: a, recorder } = app();
    expect(a.snapshotInterval(Dog)).toBe(5);
    const dog = Dog.register('Rex');
    await a.save(dog);
    await growTo(a, dog, 12);
    expect(await snapshotVersions(recorder, dog.id, 12)).toEqual([5, 10]);
  });

  it('a save that jumps over a multiple snapshots at the version it reaches', async () => {
    const { app: a, recorder } = app();
    const dog = Dog.register('Rex');
    dog.addTrick('a');
    dog.addTrick('b'); // version 3
    await a.save(dog);
    for (const t of ['c', 'd', 'e', 'f']) dog.addTrick(t); // 4..7 crosses 5
    await a.save(dog);
    dog.addTrick('g'); // 8: crosses nothing
    await a.save(dog);
    expect(await snapshotVersions(recorder, dog.id, 8)).toEqual([7]);
  });

  it('no snapshot for an aggregate without an interval, none after a failed save', async () => {
    const { app: a, recorder } = app();
    const owner = Owner.register('Ann');
    for (let i = 0; i < 12; i++) owner.adopt(Dog.register(`d${i}`));
    await a.save(owner);
    expect(await recorder.latestSnapshot(owner.id)).toBeUndefined();

    const dog = Dog.register('Rex');
    await a.save(dog);
    const stale = await a.repository(Dog).get(dog.id);
    dog.addTrick('x');
    await a.save(dog);
    for (let i = 0; i < 6; i++) stale.addTrick(`s${i}`);
    await expect(a.save(stale)).rejects.toThrow(/changed concurrently/);
    expect(await recorder.latestSnapshot(dog.id)).toBeUndefined();
  });

  it('the interval is overridden by EVENTFORGE_SNAPSHOT_EVERY, and that by the option', async () => {
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Dog:3' } }).app.snapshotInterval(Dog)).toBe(3);
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Kennel.Dog:4,Owner:2' } }).app.snapshotInterval(Dog)).toBe(4);
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Kennel.Dog:4,Owner:2' } }).app.snapshotInterval(Owner)).toBe(2);
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: '*:7' } }).app.snapshotInterval(Owner)).toBe(7);
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: '*:7,Dog:off' } }).app.snapshotInterval(Dog)).toBeUndefined();
    expect(
      app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Dog:3' }, snapshotEvery: { Dog: 2 } }).app.snapshotInterval(Dog),
    ).toBe(2);
    expect(
      app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Dog:3' }, snapshotEvery: { Dog: null } }).app.snapshotInterval(Dog),
    ).toBeUndefined();
    // A topic of another domain in the process-wide variable is meant for another application.
    expect(app({ env: { EVENTFORGE_SNAPSHOT_EVERY: 'Shop.Order:9' } }).app.snapshotInterval(Dog)).toBe(5);

    const { app: a, recorder } = app({ snapshotEvery: { Dog: 2 } });
    const dog = Dog.register('Rex');
    await a.save(dog);
    await growTo(a, dog, 7);
    expect(await snapshotVersions(recorder, dog.id, 7)).toEqual([2, 4, 6]);
  });

  it('get starts from the latest snapshot at or below the version and replays only later events', async () => {
    const { app: a, recorder } = app({ snapshotEvery: { Dog: null } });
    const dog = Dog.register('Rex');
    await a.save(dog);
    await growTo(a, dog, 8);
    // A snapshot whose state differs from what the events say proves which one get used.
    const mapper = new Mapper(new TopicRegistry([kennelDomain]));
    const at5 = (await a.repository(Dog).get(dog.id, { version: 5 })).takeSnapshot();
    await recorder.saveSnapshot(
      mapper.toStoredSnapshot(dogDescriptor, { ...at5, state: { name: 'From snapshot 5', tricks: [] } }),
    );
    const at3 = (await a.repository(Dog).get(dog.id, { version: 3 })).takeSnapshot();
    await recorder.saveSnapshot(
      mapper.toStoredSnapshot(dogDescriptor, { ...at3, state: { name: 'From snapshot 3', tricks: [] } }),
    );

    const latest = await a.repository(Dog).get(dog.id);
    expect(latest.name).toBe('From snapshot 5');
    expect(latest.tricks.map((t) => t.name)).toEqual(['trick 5', 'trick 6', 'trick 7']); // events 6..8 only
    expect(latest.version).toBe(8);
    expect(latest.createdOn.getTime()).toBe(dog.createdOn.getTime());
    expect(latest.modifiedOn.getTime()).toBe(dog.modifiedOn.getTime());

    const four = await a.repository(Dog).get(dog.id, { version: 4 });
    expect(four.name).toBe('From snapshot 3');
    expect(four.tricks.map((t) => t.name)).toEqual(['trick 3']);
    expect((await a.repository(Dog).get(dog.id, { version: 5 })).tricks).toEqual([]);
    expect((await a.repository(Dog).get(dog.id, { version: 2 })).name).toBe('Rex');
  });

  it('a loaded aggregate continues from its snapshot: new events follow its version', async () => {
    const { app: a } = app({ snapshotEvery: { Dog: 2 } });
    const dog = Dog.register('Rex');
    dog.addTrick('sit');
    await a.save(dog);
    const loaded = await a.repository(Dog).get(dog.id);
    loaded.addTrick('stay');
    await a.save(loaded);
    expect((await a.repository(Dog).get(dog.id)).tricks.map((t) => t.name)).toEqual(['sit', 'stay']);
  });

  it('takeSnapshot on demand, at the latest or a given version', async () => {
    const { app: a, recorder } = app();
    const owner = Owner.register('Ann');
    owner.adopt(Dog.register('a'));
    owner.adopt(Dog.register('b'));
    await a.save(owner);
    expect(await a.takeSnapshot(Owner, owner.id)).toBe(3);
    expect(await a.takeSnapshot(Owner, owner.id, 2)).toBe(2);
    expect((await recorder.latestSnapshot(owner.id))?.version).toBe(3);
    expect((await recorder.latestSnapshot(owner.id, 2))?.version).toBe(2);
    expect((await recorder.latestSnapshot(owner.id))?.topic).toBe('Kennel.Owner');
    expect((await recorder.latestSnapshot(owner.id))?.schemaVersion).toBe(1);
    expect((await a.repository(Owner).get(owner.id)).dogs).toHaveLength(2);
    await expect(a.takeSnapshot(Owner, 'missing')).rejects.toBeInstanceOf(AggregateNotFoundError);
  });

  it('carry the state schema version, and a snapshot of a discarded aggregate means not found', async () => {
    const { app: a, recorder } = app({ snapshotEvery: { Dog: 2 } });
    const dog = Dog.register('Rex');
    dog.retire();
    await a.save(dog);
    const stored = await recorder.latestSnapshot(dog.id);
    expect(stored?.version).toBe(2);
    expect(stored?.schemaVersion).toBe(2);
    await expect(a.repository(Dog).get(dog.id)).rejects.toBeInstanceOf(AggregateNotFoundError);
    expect((await a.repository(Dog).get(dog.id, { version: 1 })).name).toBe('Rex');
  });
});
