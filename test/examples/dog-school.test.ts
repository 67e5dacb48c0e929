import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AggregateNotFoundError, ConcurrencyError, ValidationError } from 'eventforge/runtime';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { exampleStores } from './stores.js';

describe.each(exampleStores)('DogSchool synopsis on the $label store', (store) => {
  let env: Record<string, string>;
  let cleanup: () => void;
  const apps: DogSchool[] = [];
  const open = () => {
    const app = new DogSchool({ env });
    apps.push(app);
    return app;
  };

  beforeEach(() => {
    ({ env, cleanup } = store.open());
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    cleanup();
  });

  it('registerDog, addTrick, getDog → the name and the tricks in order', async () => {
    const application = open();
    const dogId = await application.registerDog('Fido');
    await application.addTrick(dogId, 'roll over');
    await application.addTrick(dogId, 'play dead');
    const dogDetails = await application.getDog(dogId);
    expect(dogDetails.name).toBe('Fido');
    expect(dogDetails.tricks).toEqual(['roll over', 'play dead']);
  });

  it('keeps dogs apart, and a second application on the same store sees them', async () => {
    const first = open();
    const fido = await first.registerDog('Fido');
    const rex = await first.registerDog('Rex');
    await first.addTrick(fido, 'sit');
    await first.addTrick(rex, 'fetch');
    await first.addTrick(fido, 'stay');
    if (env['DATABASE_URL'] !== 'memory:') {
      await first.close();
      const second = open();
      expect(await second.getDog(fido)).toEqual({ name: 'Fido', tricks: ['sit', 'stay'] });
      expect(await second.getDog(rex)).toEqual({ name: 'Rex', tricks: ['fetch'] });
    } else {
      expect(await first.getDog(fido)).toEqual({ name: 'Fido', tricks: ['sit', 'stay'] });
      expect(await first.getDog(rex)).toEqual({ name: 'Rex', tricks: ['fetch'] });
    }
  });

  it('the repository gives the hand-written Dog class, at any version', async () => {
    const app = open();
    const id = await app.registerDog('Fido');
    await app.addTrick(id, 'roll over');
    await app.addTrick(id, 'play dead');
    const dog = await app.dogs.get(id);
    expect(dog).toBeInstanceOf(Dog);
    expect(dog.version).toBe(3);
    expect((await app.dogs.get(id, { version: 2 })).tricks).toEqual([{ name: 'roll over' }]);
    expect((await app.log.select(1n, 10)).map((e) => e.topic)).toEqual([
      'DogSchool.Dog.Registered',
      'DogSchool.Dog.TrickAdded',
      'DogSchool.Dog.TrickAdded',
    ]);
  });

  it('refuses what the schema forbids, and unknown dogs', async () => {
    const app = open();
    await expect(app.registerDog('')).rejects.toBeInstanceOf(ValidationError);
    await expect(app.registerDog('x'.repeat(51))).rejects.toThrow(/name/);
    const id = await app.registerDog('Fido');
    await expect(app.addTrick(id, '')).rejects.toBeInstanceOf(ValidationError);
    expect((await app.getDog(id)).tricks).toEqual([]);
    await expect(app.getDog('no-such-dog')).rejects.toBeInstanceOf(AggregateNotFoundError);
  });

  it('a trick taught from a stale copy raises ConcurrencyError', async () => {
    const app = open();
    const id = await app.registerDog('Fido');
    const stale = await app.dogs.get(id);
    await app.addTrick(id, 'sit');
    stale.addTrick('stay');
    await expect(app.save(stale)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await app.getDog(id)).tricks).toEqual(['sit']);
  });
});
