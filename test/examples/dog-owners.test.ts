/**
 * The Prisma example (examples/dog-owners.ts) on SQLite and PostgreSQL, in a Prisma user's project
 * (test/prisma/prisma-project.ts): registering a dog writes its owner's row in the same
 * transaction, so both are stored or neither is.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../runtime/errors.js';
import { postgresSkipReason } from '../sql/postgres-helpers.js';
import type { Provider } from '../prisma/prisma-project.js';
import { useUserSetup, type UserSetup } from '../prisma/user-setup.js';

const pgSkip = await postgresSkipReason();

describe.each<Provider>(['sqlite', 'postgresql'])('DogRegistry (a dog and its owner row) on %s', (provider) => {
  const skip = provider === 'postgresql' ? pgSkip : undefined;
  const current = useUserSetup(provider, 'dogowners', skip);
  let setup: UserSetup;
  beforeEach(() => {
    if (skip === undefined) setup = current();
  });

  const events = (streamId: string) => setup.prisma.event.count({ where: { streamId } });

  it('stores the dog and writes its owner row together', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dogId = await setup.registry.registerDog('Fido', { id: 'o-fido', name: 'Ada' });
    expect(await events(dogId)).toBe(1);
    expect(await setup.registry.ownerOf(dogId)).toEqual({ id: 'o-fido', name: 'Ada', dogId });
    expect(await setup.school.getDog(dogId)).toEqual({ name: 'Fido', tricks: [] });
  });

  it('an owner row that cannot be written leaves no dog', async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    await setup.registry.registerDog('Rex', { id: 'o-rex', name: 'Bo' });
    const before = await setup.prisma.event.count();
    // The owner id is taken: the owner insert fails after the dog's events were saved in the transaction.
    await expect(setup.registry.registerDog('Rex II', { id: 'o-rex', name: 'Cy' })).rejects.toThrow(
      /Unique constraint/,
    );
    expect(await setup.prisma.event.count()).toBe(before);
  });

  it("a trick taught from a stale copy leaves the owner's row as it was", async (ctx) => {
    if (skip !== undefined) ctx.skip(skip);
    const dogId = await setup.registry.registerDog('Lassie', { id: 'o-lassie', name: 'Joe' });
    await setup.school.addTrick(dogId, 'sit'); // version 2: a command that read version 1 is stale
    await expect(setup.registry.teachAndRename(dogId, 'stay', 1, 'Renamed')).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await setup.registry.ownerOf(dogId))?.name).toBe('Joe');
    expect(await events(dogId)).toBe(2);
    await setup.registry.teachAndRename(dogId, 'stay', 2, 'Renamed');
    expect((await setup.registry.ownerOf(dogId))?.name).toBe('Renamed');
    expect(await setup.school.getDog(dogId)).toEqual({ name: 'Lassie', tricks: ['sit', 'stay'] });
  });
});
