/**
 * A Prisma user's application (docs/prisma.md): registering a dog stores its events and writes
 * the owner's row in the user's own `owners` table in ONE Prisma transaction, so there is never a
 * dog without its owner, nor an owner of a dog whose registration failed. The DogSchool
 * application runs on the same driver adapter as the PrismaClient (one pool or connection).
 *
 * ```ts
 * const adapter = shareAdapter(new PrismaPg(postgresTarget(url).config, { schema }));
 * const prisma = new PrismaClient({ adapter });          // your generated client
 * const registry = new DogRegistry(prisma, new DogSchool({ adapter }));
 * const dogId = await registry.registerDog('Fido', { id: 'o-1', name: 'Ada' });
 * ```
 */
import type { PrismaTransactionClient } from 'eventforge/runtime';
import { Dog, type DogSchool } from './dog-school.js';

/** An owner's row, as the user's Prisma model `Owner` has it. */
export interface OwnerRow {
  readonly id: string;
  readonly name: string;
  readonly dogId: string;
}

/**
 * The slice of the generated PrismaClient this example uses, so that it compiles without one
 * checked in; in your project, use your PrismaClient's own types instead.
 */
export interface OwnersTransaction extends PrismaTransactionClient {
  readonly owner: {
    create(args: { data: OwnerRow }): PromiseLike<unknown>;
    update(args: { where: { dogId: string }; data: { name: string } }): PromiseLike<unknown>;
  };
}
export interface OwnersClient {
  $transaction<T>(work: (tx: OwnersTransaction) => Promise<T>): Promise<T>;
  readonly owner: { findUnique(args: { where: { dogId: string } }): PromiseLike<OwnerRow | null> };
}

export class DogRegistry {
  constructor(
    private readonly prisma: OwnersClient,
    readonly school: DogSchool,
  ) {}

  /** Registers a dog and writes its owner's row: both, or neither. */
  registerDog(name: string, owner: { readonly id: string; readonly name: string }): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const dog = Dog.create({ name });
      await this.school.on(tx).save(dog);
      // Fails on a taken owner id: then the dog's events roll back with it.
      await tx.owner.create({ data: { id: owner.id, name: owner.name, dogId: dog.id } });
      return dog.id;
    });
  }

  /** Teaches a dog a trick and renames its owner, together; a stale dog changes neither. */
  teachAndRename(dogId: string, trick: string, expectedVersion: number, ownerName: string): Promise<void> {
    return this.prisma.$transaction(async (tx) => {
      const dog = await this.school.dogs.get(dogId, { version: expectedVersion });
      dog.addTrick(trick);
      await tx.owner.update({ where: { dogId }, data: { name: ownerName } });
      // ConcurrencyError when the dog moved on since expectedVersion: the rename rolls back too.
      await this.school.on(tx).save(dog);
    });
  }

  /** The owner of a registered dog. */
  async ownerOf(dogId: string): Promise<OwnerRow | null> {
    return this.prisma.owner.findUnique({ where: { dogId } });
  }
}
