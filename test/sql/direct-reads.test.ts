/**
 * The recorders' direct loads (runtime/sql/sqlite-stream-reads.ts, postgres-stream-reads.ts)
 * return exactly what the driver-adapter path returns for the same rows: every field, the
 * payload's bytes (all 256 byte values, an empty payload), timestamps to the millisecond, and the
 * rows `after`, `upTo`, `descending` and `limit` select, alone and combined; the latest snapshot
 * at or below a version; on SQLite also the log's pages (start, stop, limit, topics). On a real
 * SQLite file and a real PostgreSQL schema.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  Notification,
  ReadNotificationsOptions,
  ReadStreamOptions,
  Recorder,
  StoredEvent,
  StoredSnapshot,
} from '../../runtime/recorder.js';
import { createPostgresRecorder, createSqliteRecorder, postgresTarget } from '../../runtime/sql/index.js';
import * as q from '../../runtime/sql/dialect.js';
import type { SqlQueryable } from '../../runtime/sql/driver-adapter.js';
import { PostgresStreamReads } from '../../runtime/sql/postgres-stream-reads.js';
import { SqliteStreamReads } from '../../runtime/sql/sqlite-stream-reads.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-direct-reads-'));
const schemas = new SchemaPool('direct');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const STREAM = 'dog-1';
const EVENTS = 12;
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
/** Payloads of every shape: JSON text, every byte value, empty, a tag byte first. */
function payload(version: number): Uint8Array {
  if (version === 2) return allBytes;
  if (version === 3) return new Uint8Array(0);
  if (version === 4) return Uint8Array.of(0x03, 0xff, 0x00, 0x7f);
  return new TextEncoder().encode(JSON.stringify({ trick: { name: `trick ${version} ✓` } }));
}
/** Timestamps at the edges: the epoch, milliseconds, a far date, and ordinary ones. */
function timestamp(version: number): Date {
  if (version === 1) return new Date(0);
  if (version === 2) return new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
  return new Date(Date.UTC(2026, 11, 3, 7, 0, version, version * 7));
}
const events: StoredEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
  streamId: STREAM,
  version: i + 1,
  topic: i === 0 ? 'DogSchool.Dog.Registered' : 'DogSchool.Dog.TrickAdded',
  schemaVersion: 1 + (i % 3),
  timestamp: timestamp(i + 1),
  state: payload(i + 1),
}));
const snapshots: StoredSnapshot[] = [4, 8].map((version) => ({
  streamId: STREAM,
  version,
  topic: 'DogSchool.Dog',
  schemaVersion: version === 4 ? 1 : 2,
  timestamp: timestamp(version + 1),
  state: payload(version === 4 ? 2 : 5),
}));

const readOptions: ReadStreamOptions[] = [
  {},
  { after: 3 },
  { upTo: 7 },
  { after: 3, upTo: 7 },
  { descending: true },
  { limit: 5 },
  { limit: 0 },
  { descending: true, limit: 4 },
  { after: 2, upTo: 10, descending: true, limit: 3 },
  { after: EVENTS },
  { upTo: 0 },
];

/** A record as comparable data, its field types checked: the bytes as hex, the instant as ISO text. */
function plain(record: StoredEvent | StoredSnapshot | undefined): unknown {
  if (record === undefined) return undefined;
  expect(record.state).toBeInstanceOf(Uint8Array);
  expect(record.timestamp).toBeInstanceOf(Date);
  return {
    streamId: record.streamId,
    version: record.version,
    topic: record.topic,
    schemaVersion: record.schemaVersion,
    timestamp: record.timestamp.toISOString(),
    state: Buffer.from(record.state).toString('hex'),
  };
}

/** What the recorders read through the driver adapter: dialect.ts's statements and row mappers. */
function adapterPath(adapter: SqlQueryable, d: q.Dialect) {
  return {
    readStream: async (id: string, o?: ReadStreamOptions) =>
      (await adapter.queryRaw(q.selectStream(d, id, o))).rows.map(q.toStoredEvent),
    latestSnapshot: async (id: string, upTo?: number) => {
      const row = (await adapter.queryRaw(q.selectLatestSnapshot(d, id, upTo))).rows[0];
      return row === undefined ? undefined : q.toSnapshot(row);
    },
  };
}

interface DirectReads {
  readStream(id: string, o?: ReadStreamOptions): StoredEvent[] | Promise<StoredEvent[]>;
  latestSnapshot(id: string, upTo?: number): StoredSnapshot | undefined | Promise<StoredSnapshot | undefined>;
}

interface Stores {
  recorder: Recorder;
  direct: DirectReads;
  adapter: DirectReads;
  close(): Promise<void>;
}

/** The shared cases: direct reads, the adapter path and the recorder (which uses the direct reads) agree. */
function sameAsAdapter(open: () => Promise<Stores>) {
  let stores: Stores | undefined;
  const ready = async (): Promise<Stores> => {
    if (stores === undefined) {
      stores = await open();
      await stores.recorder.append(events);
      for (const s of snapshots) await stores.recorder.saveSnapshot(s);
    }
    return stores;
  };
  afterAll(async () => {
    await stores?.close();
    await stores?.recorder.close();
  });

  it.each(readOptions.map((o) => [JSON.stringify(o), o] as const))('readStream %s', async (_, options) => {
    const { recorder, direct, adapter } = await ready();
    const expected = (await adapter.readStream(STREAM, options)).map(plain);
    expect((await direct.readStream(STREAM, options)).map(plain)).toEqual(expected);
    expect((await recorder.readStream(STREAM, options)).map(plain)).toEqual(expected);
  });

  it('readStream returns the appended events exactly, and nothing for an unknown stream', async () => {
    const { recorder, direct } = await ready();
    expect((await direct.readStream(STREAM)).map(plain)).toEqual(events.map(plain));
    expect(await direct.readStream('no-such-dog')).toEqual([]);
    expect(await recorder.readStream('no-such-dog')).toEqual([]);
  });

  it.each([undefined, 3, 4, 7, 8, 100])('latestSnapshot up to %s', async (upTo) => {
    const { recorder, direct, adapter } = await ready();
    const expected = plain(await adapter.latestSnapshot(STREAM, upTo));
    expect(plain(await direct.latestSnapshot(STREAM, upTo))).toEqual(expected);
    expect(plain(await recorder.latestSnapshot(STREAM, upTo))).toEqual(expected);
    const stored = snapshots.filter((s) => upTo === undefined || s.version <= upTo).at(-1);
    expect(expected).toEqual(plain(stored));
  });
}

/** The SQLite recorder's dialect (unqualified tables, epoch-ms timestamps). */
const sqliteDialect: q.Dialect = {
  numbered: false,
  events: '"events"',
  snapshots: '"snapshots"',
  tracking: '"tracking"',
  parked: '"parked_events"',
  timestamp: (date) => date.getTime(),
};

describe('direct SQLite log pages (a file) give what the adapter gives', () => {
  const path = join(dir, 'log.db');
  const opened = (async () => {
    const recorder = await createSqliteRecorder({ filename: path });
    await recorder.append(events);
    await recorder.append(events.map((e) => ({ ...e, streamId: 'dog-2' })));
    const adapter = await new PrismaBetterSqlite3({ url: path }, { timestampFormat: 'unixepoch-ms' }).connect();
    return { recorder, adapter, direct: new SqliteStreamReads(new Database(path, { readonly: true }), sqliteDialect) };
  })();
  afterAll(async () => {
    const { recorder, adapter, direct } = await opened;
    direct.close();
    await adapter.dispose();
    await recorder.close();
  });
  const logPlain = (n: Notification) => {
    expect(typeof n.id).toBe('bigint');
    return { id: n.id.toString(), ...(plain(n) as object) };
  };
  const pages: ReadNotificationsOptions[] = [
    { start: 1n, limit: 100 },
    { start: 5n, limit: 7 },
    { start: 3n, limit: 100, stop: 15n },
    { start: 1n, limit: 0 },
    { start: 1n, limit: 100, topics: ['DogSchool.Dog.Registered'] },
    { start: 2n, limit: 3, topics: ['DogSchool.Dog.TrickAdded', 'No.Such.Topic'] },
    { start: 1n, limit: 100, topics: [] },
    { start: 1000n, limit: 10 },
  ];
  it.each(pages.map((o) => [JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)), o] as const))(
    'readNotifications %s',
    async (_, options) => {
      const { recorder, adapter, direct } = await opened;
      const expected = (await adapter.queryRaw(q.selectNotifications(sqliteDialect, options))).rows
        .map(q.toNotification)
        .map(logPlain);
      expect(direct.readNotifications(options).map(logPlain)).toEqual(expected);
      expect((await recorder.readNotifications(options)).map(logPlain)).toEqual(expected);
    },
  );
});

describe('direct SQLite loads (a file) give what the adapter gives', () => {
  sameAsAdapter(async () => {
    const path = join(dir, 'direct.db');
    const recorder = await createSqliteRecorder({ filename: path });
    const adapter = await new PrismaBetterSqlite3({ url: path }, { timestampFormat: 'unixepoch-ms' }).connect();
    const direct = new SqliteStreamReads(new Database(path, { readonly: true }), sqliteDialect);
    const close = async () => {
      direct.close();
      await adapter.dispose();
    };
    return { recorder, direct, adapter: adapterPath(adapter, sqliteDialect), close };
  });
});

const postgresSkip = await postgresSkipReason();
if (postgresSkip !== undefined) {
  describe.skip(`direct PostgreSQL loads: ${postgresSkip}`, () => it('skipped', () => undefined));
} else {
  describe('direct PostgreSQL loads (a schema) give what the adapter gives', () => {
    sameAsAdapter(async () => {
      const schema = schemas.next();
      const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
      const target = postgresTarget(TEST_DATABASE_URL, schema);
      const adapter = await new PrismaPg(target.config, { schema }).connect();
      const s = q.quoteIdentifier(schema);
      const dialect: q.Dialect = {
        numbered: true,
        events: `${s}."events"`,
        snapshots: `${s}."snapshots"`,
        tracking: `${s}."tracking"`,
        parked: `${s}."parked_events"`,
        timestamp: (date) => date.toISOString(),
      };
      const direct = new PostgresStreamReads(adapter.underlyingDriver(), dialect);
      return { recorder, direct, adapter: adapterPath(adapter, dialect), close: () => adapter.dispose() };
    });
  });
}
