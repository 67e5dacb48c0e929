/**
 * A Prisma user's running setup on the fixture project (prisma-project.ts): the store's and the
 * user's migrations applied from `prisma/migrations`, one shared driver adapter, their generated
 * PrismaClient on it, and the DogSchool application on the same adapter.
 */
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ApplicationOptions } from '../../runtime/application.js';
import {
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  shareAdapter,
} from '../../runtime/sql/index.js';
import { DogSchool } from '../../examples/dog-school.js';
import { DogRegistry, type OwnersClient, type OwnersTransaction } from '../../examples/dog-owners.js';
import { afterAll, beforeAll } from 'vitest';
import { SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { makePrismaProject, type PrismaProject, type Provider } from './prisma-project.js';

export interface UserTransaction extends OwnersTransaction {
  readonly user: { create(args: { data: { email: string; name: string } }): Promise<{ id: number }> };
}

/** The slice of the fixture's generated client the tests use. */
export interface UserClient extends OwnersClient {
  $transaction<T>(work: (tx: UserTransaction) => Promise<T>): Promise<T>;
  readonly user: {
    findMany(args?: object): Promise<{ id: number; email: string; name: string }[]>;
    count(): Promise<number>;
  };
  readonly owner: OwnersClient['owner'] & { count(): Promise<number> };
  readonly event: {
    findMany(
      args?: object,
    ): Promise<{ id: bigint; streamId: string; version: number; topic: string; timestamp: Date }[]>;
    count(args?: object): Promise<number>;
  };
  readonly snapshot: { count(args?: object): Promise<number> };
  readonly tracking: { count(args?: object): Promise<number> };
  readonly dataKey: { count(args?: object): Promise<number> };
  $disconnect(): Promise<void>;
}

export interface UserSetup {
  readonly adapter: SqlDriverAdapterFactory;
  readonly prisma: UserClient;
  readonly school: DogSchool;
  readonly registry: DogRegistry;
  /** The database's URL for a second, independent connection (PostgreSQL only). */
  readonly schema: string | undefined;
  close(): Promise<void>;
}

/** Applies the project's migrations and opens PrismaClient and DogSchool on one shared adapter. */
export async function openUserSetup(
  project: PrismaProject,
  provider: Provider,
  schemas: SchemaPool | undefined,
  options: ApplicationOptions = {},
): Promise<UserSetup> {
  const migrations = readMigrations(join(project.dir, 'prisma/migrations'), provider);
  let adapter: SqlDriverAdapterFactory;
  let schema: string | undefined;
  if (provider === 'sqlite') {
    const file = join(project.dir, `dev-${Math.random().toString(36).slice(2)}.db`);
    await migrateSqliteFile(file, migrations);
    adapter = shareAdapter(new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'unixepoch-ms' }));
  } else {
    schema = schemas!.next();
    const target = postgresTarget(TEST_DATABASE_URL, schema);
    await migratePostgres(target, migrations);
    adapter = shareAdapter(new PrismaPg({ ...target.config, max: 4 }, { schema }));
  }
  const { PrismaClient } = (await import(project.client)) as {
    PrismaClient: new (options: { adapter: SqlDriverAdapterFactory }) => UserClient;
  };
  const prisma = new PrismaClient({ adapter });
  const school = new DogSchool({ ...options, adapter });
  return {
    adapter,
    prisma,
    school,
    registry: new DogRegistry(prisma, school),
    schema,
    close: async () => {
      await school.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * For a `describe` block: the fixture project and a user setup on it, made before its tests and
 * removed after them. `skip` is why PostgreSQL's tests skip (undefined when they run).
 */
export function useUserSetup(
  provider: Provider,
  schemaPrefix: string,
  skip: string | undefined,
  options: ApplicationOptions = {},
): () => UserSetup {
  let project: PrismaProject | undefined;
  let setup: UserSetup | undefined;
  const schemas = new SchemaPool(schemaPrefix);
  beforeAll(async () => {
    if (skip !== undefined) return;
    project = await makePrismaProject(provider);
    setup = await openUserSetup(project, provider, schemas, options);
  }, 180_000);
  afterAll(async () => {
    await setup?.close();
    await schemas.dropAll();
    project?.remove();
  });
  return () => setup!;
}
