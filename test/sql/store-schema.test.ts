/**
 * The event store's schema, a runtime asset (runtime/sql/store-schema/): its Prisma schema and
 * migrations per provider, what `generate` leaves out, and whether the Prisma models really
 * describe the tables the migration makes.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { repositoriesEmitter } from '../../generator/emit/typescript/emit-repositories.js';
import { readSources } from '../../cli/files/read-sources.js';
import {
  createPostgresRecorder,
  createSqliteRecorder,
  postgresTarget,
  readMigrations,
  storeMigrationsDir,
  storeSchemaFile,
} from '../../runtime/sql/index.js';
import type { Recorder } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';
import { generateStoreClient } from './store-client.js';

const root = join(import.meta.dirname, '../..');
const ctx = { runtimeImport: 'eventforge/runtime', outToCwd: '..' };
const temp = mkdtempSync(join(tmpdir(), 'eventforge-artifacts-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const PROVIDERS = ['sqlite', 'postgresql'] as const;
/**
 * PostgreSQL has more: the append procedure and log routines of its gap-safe log, saves inside a
 * caller's transaction, the workers' leases (workers share one PostgreSQL) and the one-statement save.
 */
const STORE_MIGRATIONS = {
  sqlite: [
    '20261123000000_event_store',
    '20261203000000_parked_events',
    '20261203090000_data_keys',
    '20261203130000_event_metadata',
    '20261203140000_forget_sequence',
  ],
  postgresql: [
    '20261123000000_event_store',
    '20261203000000_gap_safe_appends',
    '20261203000000_parked_events',
    '20261203090000_data_keys',
    '20261203110000_log_horizon',
    '20261203120000_append_in_transaction',
    '20261203120000_leases',
    '20261203130000_event_metadata',
    '20261203140000_forget_sequence',
    '20261203140000_one_statement_saves',
    '20261203150000_lease_fences',
    '20261203170000_index_bound_saves',
  ],
};

describe("the store's schema, shipped with the runtime", () => {
  it('holds a Prisma schema and a Prisma Migrate folder per provider, each naming its provider', () => {
    for (const provider of PROVIDERS) {
      const migrations = storeMigrationsDir(provider);
      expect(readdirSync(join(migrations, '..')).sort()).toEqual(['migrations', 'schema.prisma']);
      expect(readMigrations(migrations, provider).map((m) => m.name)).toEqual(STORE_MIGRATIONS[provider]);
      expect(readFileSync(join(migrations, 'migration_lock.toml'), 'utf8')).toContain(`provider = "${provider}"`);
      const schema = readFileSync(storeSchemaFile(provider), 'utf8');
      expect(schema).toContain(`provider = "${provider}"`);
      expect(schema).toContain('provider            = "prisma-client"');
    }
    expect(readFileSync(storeSchemaFile('postgresql'), 'utf8')).toContain('@db.Timestamptz(3)');
  });

  it('keeps an applied migration byte for byte: its checksum is the one a released database recorded', () => {
    const released = new Database(join(root, 'test/fixtures/versioning/bank-releases.sqlite'), { readonly: true });
    const recorded = released.prepare('SELECT migration_name AS name, checksum FROM _prisma_migrations').all();
    released.close();
    const shipped = readMigrations(storeMigrationsDir('sqlite'), 'sqlite').map((m) => ({
      name: m.name,
      checksum: m.checksum,
    }));
    // The released database predates the later migrations: the ones it recorded are unchanged.
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded).toEqual(shipped.slice(0, recorded.length));
  });

  it('the schemas pass `prisma validate` and are formatted as `prisma format` would (offline)', () => {
    for (const provider of PROVIDERS) {
      for (const args of [['validate'], ['format', '--check']]) {
        execFileSync(join(root, 'node_modules/.bin/prisma'), [...args, '--schema', storeSchemaFile(provider)], {
          env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
          stdio: 'pipe',
        });
      }
    }
  }, 180_000);

  it('`generate` emits nothing for the store: no schema, migration or client under generated/', async () => {
    const sources = await readSources(root, ['schemas']);
    const { files, diagnostics } = compile({ sources });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
    // The domain's views (views.prisma, views.<provider>.sql) are the schema's own, not the store's.
    const storeLike = files.filter(
      (f) => /(^|\/)prisma\/|\.(prisma|sql|toml)$/.test(f.path) && !/(^|\/)views\.[^/]+$/.test(f.path),
    );
    expect(storeLike.map((f) => f.path)).toEqual([]);
    expect(existsSync(join(root, 'generated/prisma'))).toBe(false);
  });
});

describe('checked-in output of the repositories emitter', () => {
  it('generated/ holds exactly what the repositories emitter makes of schemas/', async () => {
    const sources = await readSources(root, ['schemas']);
    const { project, diagnostics } = compile({ sources, skipEmit: true });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const emitted = repositoriesEmitter.emit(project!, ctx);
    expect(emitted.filter((f) => f.path.endsWith('repositories.ts'))).toHaveLength(project!.domains.length);
    for (const f of emitted) {
      expect(
        readFileSync(join(root, 'generated', f.path), 'utf8'),
        `generated/${f.path} is stale; run eventforge generate`,
      ).toBe(f.contents);
    }
  });
});

/** The model calls the test makes, as the generated client of either provider offers them. */
interface StoreModels {
  event: {
    findMany(): Promise<
      { id: bigint; streamId: string; version: number; timestamp: Date; state: Uint8Array; metadata: unknown }[]
    >;
  };
  tracking: {
    create(args: { data: { application: string; upstream: string; notificationId: bigint } }): Promise<unknown>;
  };
  snapshot: {
    create(args: {
      data: {
        streamId: string;
        version: number;
        topic: string;
        schemaVersion: number;
        timestamp: Date;
        state: Uint8Array<ArrayBuffer>;
      };
    }): Promise<unknown>;
  };
  $disconnect(): Promise<void>;
}

/** A generated client's constructor, given a driver adapter. */
type StoreClient = new (options: { adapter: unknown }) => StoreModels;

/** The recorder writes an event, the client reads it and writes tracking and a snapshot, a recorder reads those. */
async function roundTrip(openRecorder: () => Promise<Recorder>, openClient: () => Promise<StoreModels>): Promise<void> {
  const recorder = await openRecorder();
  const timestamp = new Date('2024-05-06T07:08:09.123Z');
  const [id] = await recorder.append([
    {
      streamId: 'dog-1',
      version: 1,
      topic: 'DogSchool.Dog.Registered',
      schemaVersion: 2,
      timestamp,
      state: Uint8Array.of(1, 2, 3),
      metadata: { causationId: 'Orders:7', userId: 'u-1' },
    },
  ]);
  await recorder.close();
  const prisma = await openClient();
  try {
    const [row] = await prisma.event.findMany();
    expect(row).toEqual({
      id,
      streamId: 'dog-1',
      version: 1,
      topic: 'DogSchool.Dog.Registered',
      schemaVersion: 2,
      timestamp,
      state: expect.anything(),
      // The Json field reads the column as the recorder wrote it (JSON text on SQLite, jsonb on PostgreSQL).
      metadata: { causationId: 'Orders:7', userId: 'u-1' },
    });
    expect(Array.from(row!.state)).toEqual([1, 2, 3]);
    await prisma.tracking.create({ data: { application: 'A', upstream: 'U', notificationId: 2n ** 40n } });
    await prisma.snapshot.create({
      data: {
        streamId: 'dog-1',
        version: 1,
        topic: 'DogSchool.Dog',
        schemaVersion: 1,
        timestamp,
        state: Uint8Array.of(9),
      },
    });
  } finally {
    await prisma.$disconnect();
  }
  const again = await openRecorder();
  expect(await again.maxTrackingId('A', 'U')).toBe(2n ** 40n);
  expect((await again.latestSnapshot('dog-1'))?.timestamp).toEqual(timestamp);
  await again.close();
}

describe('Prisma models agree with the migrated tables', () => {
  it('SQLite: the generated client reads and writes what the recorder stores', async () => {
    const filename = join(temp, 'models.db');
    await roundTrip(
      () => createSqliteRecorder({ filename }),
      async () => {
        const { PrismaClient } = (await import(generateStoreClient('sqlite', temp))) as { PrismaClient: StoreClient };
        const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
        return new PrismaClient({
          adapter: new PrismaBetterSqlite3({ url: filename }, { timestampFormat: 'unixepoch-ms' }),
        });
      },
    );
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `Prisma models agree with the migrated tables on PostgreSQL${skip ? `: ${skip}` : ''}`,
  () => {
    const schemas = new SchemaPool('models');
    afterAll(() => schemas.dropAll());

    it('the generated client, configured by postgresTarget as documented, reads and writes what the recorder stores', async () => {
      // A URL asking for another session time zone: postgresTarget must still give the client UTC,
      // or the pg adapter would shift every timestamp by the zone's offset.
      const url = `${TEST_DATABASE_URL}?schema=${schemas.next()}&options=${encodeURIComponent('-c TimeZone=America/New_York')}`;
      await roundTrip(
        () => createPostgresRecorder({ url }),
        async () => {
          const { PrismaClient } = (await import(generateStoreClient('postgresql', temp))) as {
            PrismaClient: StoreClient;
          };
          const { PrismaPg } = await import('@prisma/adapter-pg');
          const { config, schema } = postgresTarget(url);
          return new PrismaClient({ adapter: new PrismaPg(config, { schema }) });
        },
      );
    });
  },
);
