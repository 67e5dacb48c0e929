/**
 * The emitted views.<provider>.sql files run on their database (twice: they are idempotent) and
 * create the tables the generated definitions read and write.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlViewStore, postgresConnection, sqliteConnection } from 'eventforge/runtime';
import { accountDirectoryView } from '../../generated/bank/index.js';
import { SchemaPool, TEST_DATABASE_URL, postgresSkipReason } from '../sql/postgres-helpers.js';

const root = join(import.meta.dirname, '../..');
const migration = (provider: string) => readFileSync(join(root, 'generated/bank', `views.${provider}.sql`), 'utf8');
const row = {
  accountId: '0f0e0d0c-0000-4000-8000-000000000001',
  owner: 'Eve',
  currency: 'EUR' as const,
  status: 'open' as const,
  openedOn: '2026-03-01',
};

describe('views.sqlite.sql', () => {
  it('creates the tables and indexes the definitions use, and runs again without error', async () => {
    const db = new Database(':memory:');
    db.exec(migration('sqlite'));
    db.exec(migration('sqlite'));
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'account_directory' ORDER BY name")
      .all();
    expect(indexes).toEqual([
      { name: 'account_directory_owner_idx' },
      { name: 'account_directory_status_idx' },
      { name: 'sqlite_autoindex_account_directory_1' },
    ]);
    const store = new SqlViewStore(accountDirectoryView, sqliteConnection(db));
    await store.insert(row);
    expect(await store.get(row)).toEqual({ ...row, transactions: 0 });
    db.close();
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`views.postgresql.sql${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('viewsql');
  afterAll(() => schemas.dropAll());
  it('creates the tables and indexes the definitions use, and runs again without error', async () => {
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    try {
      const name = schemas.next();
      await client.query(`CREATE SCHEMA "${name}"; SET search_path TO "${name}"`);
      await client.query(migration('postgresql'));
      await client.query(migration('postgresql'));
      const { rows } = await client.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'account_directory' ORDER BY indexname",
        [name],
      );
      expect(rows.map((r: { indexname: string }) => r.indexname)).toEqual([
        'account_directory_owner_idx',
        'account_directory_pkey',
        'account_directory_status_idx',
      ]);
      const store = new SqlViewStore(accountDirectoryView, postgresConnection(client));
      await store.insert(row);
      expect(await store.get(row)).toEqual({ ...row, transactions: 0 });
    } finally {
      await client.end();
    }
  });
});
