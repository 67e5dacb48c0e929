/**
 * The pre-context fixture (test/fixtures/pre-context/) as the re-encryption tests use it: stores
 * holding its records, its dogs as they load, and which envelopes a store holds.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { Application } from '../../runtime/application.js';
import { encryptionOf } from '../../runtime/payload-envelope.js';
import { FIXTURE_DOGS, FIXTURE_FILE } from '../fixtures/pre-context/make-fixture.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { SchemaPool } from './postgres-helpers.js';
import { postgresRows, sqliteRows, type StoredRows } from './stored-rows.js';

interface Closable {
  close(): Promise<void>;
}

/**
 * Stores for one test file: SQLite files in a temporary folder and fresh PostgreSQL schemas, all
 * removed after the file; what a test opens (stores, applications) is closed after the test.
 */
export function preContextStores(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `eventforge-${name}-`));
  const schemas = new SchemaPool(name.replace(/\W/g, '_'));
  const opened: Closable[] = [];
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });
  let files = 0;
  const track = <T extends Closable>(resource: T): T => {
    opened.push(resource);
    return resource;
  };
  const sqlite = (label: string): StoredRows => track(sqliteRows(dir, `${label}-${++files}`));
  return {
    dir,
    track,
    /** A new, empty SQLite file; its tables exist once an application or recorder has opened it. */
    sqlite,
    /** A fresh PostgreSQL schema. */
    postgres: (): StoredRows => track(postgresRows(schemas)),
    /** A copy of the fixture store (opening a store may write to it; the checked-in file stays as made). */
    fixtureCopy(): StoredRows {
      const rows = sqlite('fixture');
      copyFileSync(FIXTURE_FILE, rows.url.slice('file:'.length));
      return rows;
    },
    /** The kennel application on `url` with `cipherKey`. */
    kennel(url: string, cipherKey: string, unboundPayloads: 'accept' | 'refuse' = 'accept'): Application {
      return track(
        new Application({
          name: 'Kennel',
          domains: [kennelDomain],
          env: { DATABASE_URL: url, EVENTFORGE_CIPHER_KEY: cipherKey },
          unboundPayloads,
        }),
      );
    },
  };
}

export const fixtureIds = Object.keys(FIXTURE_DOGS);
export const expectedDogs = Object.fromEntries(
  Object.entries(FIXTURE_DOGS).map(([id, d]) => [id, { name: d.name, tricks: [...d.tricks], version: d.version }]),
);

export async function dogsOf(app: Application, ids: readonly string[]) {
  const dogs: Record<string, { name: string; tricks: string[]; version: number }> = {};
  for (const id of ids) {
    const dog = await app.repository(Dog).get(id);
    dogs[id] = { name: dog.name, tricks: dog.tricks.map((t) => t.name), version: dog.version };
  }
  return dogs;
}

/** The kinds of envelope the store's payloads have (`no-context`, `context`, `none`…), sorted. */
export async function encryptions(db: StoredRows): Promise<string[]> {
  const rows = [...(await db.query('SELECT state FROM events')), ...(await db.query('SELECT state FROM snapshots'))];
  return [...new Set(rows.map((r) => encryptionOf(r['state'] as Uint8Array)))].sort();
}

/** Copies the fixture's events and snapshots, bytes unchanged, into a store whose tables exist. */
export async function copyFixtureRows(db: StoredRows): Promise<void> {
  const fixture = new Database(FIXTURE_FILE, { readonly: true });
  try {
    for (const table of ['events', 'snapshots']) {
      const rows = fixture
        .prepare(`SELECT stream_id, version, topic, schema_version, timestamp, state FROM ${table}`)
        .all() as {
        stream_id: string;
        version: number;
        topic: string;
        schema_version: number;
        timestamp: number;
        state: Uint8Array;
      }[];
      for (const row of rows) {
        await db.run(
          `INSERT INTO ${table} (stream_id, version, topic, schema_version, timestamp, state) VALUES (?, ?, ?, ?, ?, ?)`,
          [row.stream_id, row.version, row.topic, row.schema_version, new Date(row.timestamp).toISOString(), row.state],
        );
      }
    }
  } finally {
    fixture.close();
  }
}
