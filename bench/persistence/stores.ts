/**
 * The stores the persistence bench compares: eventforge's recorder, the raw-driver baselines
 * (better-sqlite3 / pg with the recorder's tables, settings and protocol) and PrismaClient's
 * raw-SQL API. See persistence.bench.ts.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { storeMigrationsDir, readMigrations } from '../../runtime/sql/migrations.js';
import type { Recorder, StoredEvent, StoredSnapshot } from '../../runtime/recorder.js';
import { generateStoreClient } from '../../test/sql/store-client.js';

/** What W1 and W2 need: saves. */
export interface Saver {
  append(events: readonly StoredEvent[]): Promise<unknown>;
  close(): Promise<void>;
}

/** What every workload needs from a store; eventforge and the raw baseline implement it. */
export interface Subject extends Saver {
  readStream(streamId: string, after?: number): Promise<number>;
  saveSnapshot(snapshot: StoredSnapshot): Promise<void>;
  /** Loads through the latest snapshot: the snapshot plus the events after it. */
  loadFromSnapshot(streamId: string): Promise<number>;
  /** Reads one page of the log; returns the last id and how many rows came. */
  readPage(start: bigint, limit: number): Promise<[bigint | undefined, number]>;
}

export function eventforgeSubject(recorder: Recorder): Subject {
  return {
    append: (events) => recorder.append(events),
    readStream: async (id, after) => (await recorder.readStream(id, after === undefined ? {} : { after })).length,
    saveSnapshot: (s) => recorder.saveSnapshot(s),
    loadFromSnapshot: async (id) => {
      const snap = await recorder.latestSnapshot(id);
      return 1 + (await recorder.readStream(id, snap ? { after: snap.version } : {})).length;
    },
    readPage: async (start, limit) => {
      const page = await recorder.readNotifications({ start, limit });
      return [page.at(-1)?.id, page.length];
    },
    close: () => recorder.close(),
  };
}

const COLUMNS = '(stream_id, version, topic, schema_version, "timestamp", state)';
const SELECT_EVENTS = 'SELECT id, stream_id, version, topic, schema_version, "timestamp", state FROM events';

/** better-sqlite3 on the same file layout and settings, prepared statements cached by row count. */
export function rawSqlite(path: string, synchronous: 'full' | 'normal'): Subject {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.defaultSafeIntegers(true);
  for (const m of readMigrations(storeMigrationsDir('sqlite'), 'sqlite')) db.exec(m.sql);
  const inserts = new Map<number, Database.Statement>();
  const insert = (n: number) => {
    let st = inserts.get(n);
    if (st === undefined) {
      const rows = Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      st = db.prepare(`INSERT INTO events ${COLUMNS} VALUES ${rows} RETURNING id`);
      inserts.set(n, st);
    }
    return st;
  };
  const stream = db.prepare(`${SELECT_EVENTS} WHERE stream_id = ? AND version > ? ORDER BY version`);
  const snap = db.prepare('SELECT * FROM snapshots WHERE stream_id = ? ORDER BY version DESC LIMIT 1');
  const saveSnap = db.prepare(`INSERT INTO snapshots ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const page = db.prepare(`${SELECT_EVENTS} WHERE id >= ? ORDER BY id LIMIT ?`);
  const toRow = (e: StoredEvent) => [e.streamId, e.version, e.topic, e.schemaVersion, e.timestamp.getTime(), e.state];
  // Rows come back as the recorder returns them: Date and bytes (Buffer) per event.
  const decode = (rows: unknown[]) =>
    rows.map((r) => ({ ...(r as object), timestamp: new Date(Number((r as { timestamp: bigint }).timestamp)) }));
  return {
    append: async (events) => insert(events.length).all(...events.flatMap(toRow)),
    readStream: async (id, after = 0) => decode(stream.all(id, after)).length,
    saveSnapshot: async (s) =>
      void saveSnap.run(s.streamId, s.version, s.topic, s.schemaVersion, s.timestamp.getTime(), s.state),
    loadFromSnapshot: async (id) => {
      const s = snap.get(id) as { version: bigint } | undefined;
      return 1 + decode(stream.all(id, s?.version ?? 0)).length;
    },
    readPage: async (start, limit) => {
      const rows = decode(page.all(start, limit)) as unknown as { id: bigint }[];
      return [rows.at(-1)?.id, rows.length];
    },
    close: async () => void db.close(),
  };
}

/**
 * pg with named (prepared) statements. `lock: false` (the limit, `raw`): one autocommit multi-row
 * INSERT per save, atomic on its own, not gap-safe. `lock: true` (`raw-locked`): the table-lock
 * protocol the recorder used before its append procedure: BEGIN, LOCK TABLE … IN EXCLUSIVE MODE,
 * INSERT, COMMIT.
 */
export async function rawPostgres(url: string, schema: string, lock: boolean): Promise<Subject> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema} -c TimeZone=UTC` });
  await client.connect();
  const named = (name: string, text: string, values: unknown[] = []) => client.query({ name, text, values });
  const toRow = (e: StoredEvent) => [
    e.streamId,
    e.version,
    e.topic,
    e.schemaVersion,
    e.timestamp.toISOString(),
    e.state,
  ];
  const inserts = new Map<number, string>();
  const insertOf = (n: number) => {
    let sql = inserts.get(n);
    if (sql === undefined) inserts.set(n, (sql = insertSql(n, true, '').replace(' RETURNING id', '')));
    return sql;
  };
  return {
    append: async (events) => {
      const insert = insertOf(events.length);
      if (!lock) {
        await named(`insert${events.length}`, `${insert} RETURNING id`, events.flatMap(toRow));
        return;
      }
      await named('begin', 'BEGIN');
      try {
        await named('lock', 'LOCK TABLE events IN EXCLUSIVE MODE');
        await named(
          `insert-skip${events.length}`,
          `${insert} ON CONFLICT DO NOTHING RETURNING id`,
          events.flatMap(toRow),
        );
        await named('commit', 'COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    readStream: async (id, after = 0) =>
      (await named('stream', `${SELECT_EVENTS} WHERE stream_id = $1 AND version > $2 ORDER BY version`, [id, after]))
        .rows.length,
    saveSnapshot: async (s) =>
      void (await named(
        'snap-save',
        `INSERT INTO snapshots ${COLUMNS} VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [s.streamId, s.version, s.topic, s.schemaVersion, s.timestamp.toISOString(), s.state],
      )),
    loadFromSnapshot: async (id) => {
      const s = (
        await named('snap', 'SELECT * FROM snapshots WHERE stream_id = $1 ORDER BY version DESC LIMIT 1', [id])
      ).rows[0];
      const rows = await named('stream', `${SELECT_EVENTS} WHERE stream_id = $1 AND version > $2 ORDER BY version`, [
        id,
        s?.version ?? 0,
      ]);
      return 1 + rows.rows.length;
    },
    readPage: async (start, limit) => {
      const rows = (await named('page', `${SELECT_EVENTS} WHERE id >= $1 ORDER BY id LIMIT $2`, [start, limit])).rows;
      return [rows.length ? BigInt(rows.at(-1).id) : undefined, rows.length];
    },
    close: () => client.end(),
  };
}

const insertSql = (n: number, numbered: boolean, conflict: string) =>
  `INSERT INTO events ${COLUMNS} VALUES ` +
  Array.from(
    { length: n },
    (_, r) => `(${Array.from({ length: 6 }, (_, c) => (numbered ? `$${r * 6 + c + 1}` : '?')).join(', ')})`,
  ).join(', ') +
  `${conflict} RETURNING id`;

/**
 * The road not taken (docs/persistence.md): the same saves through PrismaClient's raw-SQL API
 * (`$queryRawUnsafe`; on PostgreSQL inside an interactive `$transaction` with the lock) instead of
 * through the driver adapter as the recorder does.
 */
/** The raw-SQL part of a generated PrismaClient this bench calls. */
interface RawClient {
  $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $transaction<T>(work: (tx: RawClient) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
}

/** A PrismaClient class for the store's tables, generated into `dir` (see test/sql/store-client.ts). */
async function storeClient(
  provider: 'sqlite' | 'postgresql',
  dir: string,
): Promise<new (options: { adapter: unknown }) => RawClient> {
  return (
    (await import(generateStoreClient(provider, dir))) as {
      PrismaClient: new (options: { adapter: unknown }) => RawClient;
    }
  ).PrismaClient;
}

/** `dir` is a scratch folder the client is generated into. */
export async function prismaClientSqlite(path: string, synchronous: 'full' | 'normal', dir: string): Promise<Saver> {
  await (await createSqliteRecorder({ filename: path })).close();
  const PrismaClient = await storeClient('sqlite', dir);
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const prisma = new PrismaClient({
    adapter: new PrismaBetterSqlite3({ url: path }, { timestampFormat: 'unixepoch-ms' }),
  });
  await prisma.$queryRawUnsafe(`PRAGMA synchronous = ${synchronous.toUpperCase()}`);
  return {
    append: (events) =>
      prisma.$queryRawUnsafe(
        insertSql(events.length, false, ''),
        ...events.flatMap((e) => [e.streamId, e.version, e.topic, e.schemaVersion, e.timestamp, e.state]),
      ),
    close: () => prisma.$disconnect(),
  };
}

export async function prismaClientPostgres(url: string, schema: string, dir: string): Promise<Saver> {
  const PrismaClient = await storeClient('postgresql', dir);
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, options: `-c search_path=${schema} -c TimeZone=UTC` }, { schema }),
  });
  return {
    append: (events) =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('LOCK TABLE events IN EXCLUSIVE MODE');
        return tx.$queryRawUnsafe(
          insertSql(events.length, true, ' ON CONFLICT DO NOTHING'),
          ...events.flatMap((e) => [e.streamId, e.version, e.topic, e.schemaVersion, e.timestamp, e.state]),
        );
      }),
    close: () => prisma.$disconnect(),
  };
}

/** Why PostgreSQL at `url` cannot be reached, or undefined when it can (the bench then skips its parts). */
export async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
