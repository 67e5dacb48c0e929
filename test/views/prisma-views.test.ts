/**
 * The emitted views.prisma merged into a multi-file prisma/ folder beside a schema that names the
 * datasource (here the event store's own, as docs/persistence.md has users copy it): `prisma
 * generate` makes one client, and `findMany` reads the views the projections wrote, on SQLite
 * and PostgreSQL.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCipherKey } from '../../runtime/index.js';
import { storeSchemaFile, postgresTarget } from '../../runtime/sql/index.js';
import { DogTricksProjection } from '../../generated/dog-school/index.js';
import { Bank, CustomerBalancesProjection } from '../../examples/bank.js';
import { DogSchool } from '../../examples/dog-school.js';
import { caughtUp, runView } from '../../examples/view-target.js';
import { prismaGenerate } from '../sql/store-client.js';
import { SchemaPool, TEST_DATABASE_URL, postgresSkipReason } from '../sql/postgres-helpers.js';
import pg from 'pg';

const root = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(root, '.tmp-prisma-views-'));
symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** prisma/<provider>/: the datasource's schema, and the views of both example domains beside it. */
function generateClient(provider: 'sqlite' | 'postgresql'): string {
  const folder = join(scratch, 'prisma', provider);
  mkdirSync(folder, { recursive: true });
  copyFileSync(storeSchemaFile(provider), join(folder, 'schema.prisma'));
  copyFileSync(join(root, 'generated/dog-school/views.prisma'), join(folder, 'dog-school-views.prisma'));
  copyFileSync(join(root, 'generated/bank/views.prisma'), join(folder, 'bank-views.prisma'));
  prismaGenerate(folder);
  return pathToFileURL(join(folder, 'client', 'client.ts')).href;
}

interface ViewClient {
  dogTricks: {
    findMany(args?: object): Promise<{ name: string; trickCount: number; tricks: unknown; registeredAt: Date }[]>;
  };
  customerBalances: {
    findMany(
      args?: object,
    ): Promise<{ owner: string; currency: string; balance: { toString(): string }; accounts: number }[]>;
  };
  $disconnect(): Promise<void>;
}

async function project(env: Record<string, string>): Promise<void> {
  const school = new DogSchool({ env });
  const bank = new Bank({ env: { ...env, EVENTFORGE_MASTER_KEY: generateCipherKey() } }); // owners are personal data
  try {
    // One application's runner at a time: a runner whose topics skip the other's events moves
    // its position past them in memory only, and its next commit is refused (reported to fix).
    const balances = await runView(bank, new CustomerBalancesProjection());
    const account = await bank.open('Dana', 'EUR');
    await bank.deposit(account, '10.05');
    await caughtUp(bank, balances);
    await balances.stop();
    const fido = await school.registerDog('Fido');
    await school.addTrick(fido, 'sit');
    await school.addTrick(fido, 'stay');
    const dogs = await runView(school, new DogTricksProjection());
    await caughtUp(school, dogs);
    await dogs.stop();
  } finally {
    await school.close();
    await bank.close();
  }
}

async function expectViews(prisma: ViewClient): Promise<void> {
  const dogs = await prisma.dogTricks.findMany({ where: { name: 'Fido' } });
  expect(dogs.map((d) => [d.name, d.trickCount, d.tricks, d.registeredAt instanceof Date])).toEqual([
    ['Fido', 2, ['sit', 'stay'], true],
  ]);
  const balances = await prisma.customerBalances.findMany();
  expect(balances.map((b) => [b.owner, b.currency, b.balance.toString(), b.accounts])).toEqual([
    ['Dana', 'EUR', '10.05', 1],
  ]);
}

describe('views queried with a generated PrismaClient', () => {
  it('on SQLite: the client of the merged folder reads the views with findMany', async () => {
    const client = generateClient('sqlite');
    const file = join(scratch, 'store.sqlite');
    await project({ DATABASE_URL: `file:${file}` });
    const { PrismaClient } = (await import(client)) as { PrismaClient: new (options: object) => ViewClient };
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    const prisma = new PrismaClient({
      adapter: new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'unixepoch-ms' }),
    });
    try {
      await expectViews(prisma);
    } finally {
      await prisma.$disconnect();
    }
  }, 120_000);

  const schemas = new SchemaPool('prismaviews');
  afterAll(() => schemas.dropAll());
  it('on PostgreSQL: the same, in a schema of its own', async (ctx) => {
    const skip = await postgresSkipReason();
    if (skip !== undefined) ctx.skip(skip);
    const client = generateClient('postgresql');
    const name = schemas.next();
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${name}"`);
    await admin.end();
    const url = `${TEST_DATABASE_URL}?schema=${name}`;
    await project({ DATABASE_URL: url });
    const { PrismaClient } = (await import(client)) as { PrismaClient: new (options: object) => ViewClient };
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { config, schema } = postgresTarget(url);
    const prisma = new PrismaClient({ adapter: new PrismaPg(config, { schema }) });
    try {
      await expectViews(prisma);
    } finally {
      await prisma.$disconnect();
    }
  }, 120_000);
});
