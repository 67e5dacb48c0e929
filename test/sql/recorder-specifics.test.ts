/**
 * What the conformance suite does not cover: SQLite's file settings and in-process locking,
 * configuration errors, and use after close.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  ConfigurationError,
  EventforgeError,
  RecorderArgumentError,
  StoreUnavailableError,
} from '../../runtime/errors.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import { migratePostgres, postgresTarget } from '../../runtime/sql/postgres-recorder.js';
import { readMigrations, storeMigrationsDir } from '../../runtime/sql/migrations.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';
import { event } from './workload.js';
import { until } from '../system/worker-processes.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-specifics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite recorder', () => {
  it('creates the folder and the file in WAL mode, with the tables', async () => {
    const filename = join(dir, 'nested/deeper/store.db');
    const recorder = await createSqliteRecorder({ filename: `file:${filename}` });
    await recorder.append([event('s', 1, 0)]);
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();
    await recorder.close();
  });

  it('hands out ids beyond 2^53 exactly (64-bit notification ids)', async () => {
    const filename = join(dir, 'big-ids.db');
    await (await createSqliteRecorder({ filename })).close();
    const db = new Database(filename);
    db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(2n ** 62n);
    db.close();
    const recorder = await createSqliteRecorder({ filename });
    expect(await recorder.append([event('big', 1, 0), event('big', 2, 0)])).toEqual([2n ** 62n + 1n, 2n ** 62n + 2n]);
    expect((await recorder.readNotifications({ start: 2n ** 62n + 2n, limit: 5 })).map((n) => n.id)).toEqual([
      2n ** 62n + 2n,
    ]);
    expect(await recorder.maxNotificationId()).toBe(2n ** 62n + 2n);
    await recorder.close();
  });

  it('works in memory', async () => {
    const recorder = await createSqliteRecorder({ filename: ':memory:' });
    expect(await recorder.append([event('m', 1, 0), event('m', 2, 0)])).toHaveLength(2);
    expect((await recorder.readStream('m')).map((e) => e.version)).toEqual([1, 2]);
    await recorder.close();
  });

  it('two connections of one process write one file concurrently without waiting on each other in SQLite', async () => {
    const filename = join(dir, 'two-connections.db');
    // A busy timeout of 0: had the connections met inside SQLite, appends would fail with SQLITE_BUSY.
    const [a, b] = await Promise.all([
      createSqliteRecorder({ filename, busyTimeoutMs: 0 }),
      createSqliteRecorder({ filename, busyTimeoutMs: 0 }),
    ]);
    const saves = Array.from({ length: 60 }, (_, i) =>
      (i % 2 === 0 ? a : b).append([event(`t-${i}`, 1, i)], {
        // Tracking makes each append a multi-statement transaction across awaits.
        tracking: { application: 'P', upstream: 'U', notificationId: BigInt(i + 1) },
      }),
    );
    const ids = (await Promise.all(saves)).flat();
    expect(new Set(ids).size).toBe(60);
    expect(await b.maxTrackingId('P', 'U')).toBe(60n);
    await Promise.all([a.close(), b.close()]);
  });

  it('a write that waits longer than busyTimeoutMs for another connection fails, saying where and what to do', async () => {
    const filename = join(dir, 'busy.db');
    const recorder = await createSqliteRecorder({ filename, busyTimeoutMs: 50 });
    const other = new Database(filename); // another process's connection, as far as SQLite knows
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(recorder.append([event('s', 1, 0)])).rejects.toThrow(
        `SQLite ${filename}: database is locked (SocketTimeout); the database stayed locked or unreachable: ` +
          'another process may hold a long transaction (or give the recorder a longer busyTimeoutMs)',
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await recorder.append([event('s', 1, 0)])).toHaveLength(1); // nothing was half-stored
    await recorder.close();
  });

  it('refuses a file that is not a database, saying which', async () => {
    const filename = join(dir, 'not-a-db.db');
    writeFileSync(filename, 'hello, I am text '.repeat(100));
    await expect(createSqliteRecorder({ filename })).rejects.toThrow(`SQLite ${filename}: file is not a database`);
  });

  it('refuses use after close', async () => {
    const recorder = await createSqliteRecorder({ filename: join(dir, 'closed.db') });
    await recorder.close();
    await recorder.close(); // twice is fine
    await expect(recorder.readStream('s')).rejects.toBeInstanceOf(EventforgeError);
    await expect(recorder.append([event('s', 1, 0)])).rejects.toThrow(/closed/);
  });

  it('refuses versions the table cannot hold, before any SQL', async () => {
    const recorder = await createSqliteRecorder({ filename: ':memory:' });
    await expect(recorder.append([event('s', 0, 0)])).rejects.toThrow(
      /events\[0\]\.version must be a positive integer up to 2147483647, got 0$/,
    );
    await expect(recorder.append([event('s', 2 ** 31, 0)])).rejects.toBeInstanceOf(RecorderArgumentError);
    expect(await recorder.maxNotificationId()).toBe(0n);
    await recorder.close();
  });
});

describe('PostgreSQL configuration', () => {
  it('reads the schema from ?schema= and keeps other parameters', () => {
    const t = postgresTarget('postgresql://u:p@h:5433/db?schema=dogs&application_name=x');
    expect(t.schema).toBe('dogs');
    expect(t.config.connectionString).toBe('postgresql://u:p@h:5433/db?application_name=x');
    expect(t.config.options).toBe('-c TimeZone=UTC');
    expect(postgresTarget('postgres://h/db', 'override').schema).toBe('override');
    expect(postgresTarget('postgres://h/db').schema).toBe('public');
  });

  it('says which server it cannot reach, without printing the password', async () => {
    const error = await createPostgresRecorder({ url: 'postgresql://app:s3cret@127.0.0.1:1/db' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError); // retryable: the server may be starting
    expect(String(error)).toMatch(
      /cannot connect to PostgreSQL at postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED.*check DATABASE_URL/,
    );
    expect(String(error)).not.toContain('s3cret');
    expect(() => postgresTarget('mysql://app:s3cret@h/db')).toThrow(
      /"mysql:\/\/app:\*\*\*@h\/db" is not a PostgreSQL URL/,
    );
  });

  it('refuses URLs and schema names it cannot use, with what to do', () => {
    expect(() => postgresTarget('mysql://h/db')).toThrow(ConfigurationError);
    expect(() => postgresTarget('not a url')).toThrow(/expected postgresql:\/\/user@host:5432\/database/);
    expect(() => postgresTarget('postgresql://h/db?schema=a;drop')).toThrow(/not a plain SQL identifier/);
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`PostgreSQL recorder${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('specifics');
  afterAll(() => schemas.dropAll());

  it('hands out ids beyond 2^53 exactly (64-bit notification ids)', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    await admin.query(`ALTER SEQUENCE "${schema}".events_id_seq RESTART WITH ${2n ** 62n + 1n}`);
    await admin.end();
    expect(await recorder.append([event('big', 1, 0), event('big', 2, 0)])).toEqual([2n ** 62n + 1n, 2n ** 62n + 2n]);
    expect((await recorder.readNotifications({ start: 2n ** 62n + 2n, limit: 5 })).map((n) => n.id)).toEqual([
      2n ** 62n + 2n,
    ]);
    expect(await recorder.maxNotificationId()).toBe(2n ** 62n + 2n);
    await recorder.close();
  });

  it("a transaction's unqualified tables are the store schema's, a mixed-case schema too", async () => {
    const schema = `Ef_${schemas.next()}`;
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    try {
      await recorder.transaction(async (tx) => {
        await tx.execute('CREATE TABLE my_view (n INTEGER)');
        await tx.execute('INSERT INTO my_view (n) VALUES ($1)', [7]);
      });
      const found = await admin.query(`SELECT n FROM "${schema}".my_view`);
      expect(found.rows).toEqual([{ n: 7 }]);
    } finally {
      await recorder.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('keeps timestamps exact when the URL asks for another session time zone', async () => {
    // The pg adapter reads timestamptz text as if it were UTC; the recorder's sessions must be in UTC.
    const url = `${TEST_DATABASE_URL}?options=${encodeURIComponent('-c TimeZone=America/New_York')}`;
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url, schema });
    const timestamp = new Date('2024-05-06T07:08:09.123Z');
    await recorder.append([{ ...event('tz', 1, 0), timestamp }]);
    expect((await recorder.readStream('tz'))[0]!.timestamp).toEqual(timestamp);
    await recorder.close();
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    const stored = await admin.query(
      `SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS t FROM "${schema}".events`,
    );
    await admin.end();
    expect(stored.rows).toEqual([{ t: '2024-05-06T07:08:09.123' }]);
  });

  it('refuses use after close', async () => {
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    await recorder.close();
    await expect(recorder.maxNotificationId()).rejects.toThrow(/closed/);
  });

  it('without createTables, a missing table is an error, not a silent creation', async () => {
    const recorder = await createPostgresRecorder({
      url: TEST_DATABASE_URL,
      schema: schemas.next(),
      createTables: false,
    });
    await expect(recorder.maxNotificationId()).rejects.toThrow(
      /PostgreSQL schema "ef_specifics_\w+": relation .*events.* does not exist \(TableDoesNotExist\); create the tables with `eventforge migrate`/,
    );
    await recorder.close();
  });

  it('a save notifies channel eventforge_log with the schema name once committed; a tracking-only save does not', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
    const listener = new pg.Client(TEST_DATABASE_URL);
    await listener.connect();
    const seen: bigint[] = [];
    let heard = () => {};
    listener.on('notification', (n) => {
      if (n.channel !== 'eventforge_log' || n.payload !== schema) return; // other schemas' saves
      // Notified after the commit: the log already holds the save.
      void recorder.maxNotificationId().then((id) => {
        seen.push(id);
        heard();
      });
    });
    try {
      await listener.query('LISTEN eventforge_log');
      const once = () => new Promise<void>((resolve) => (heard = resolve));
      let next = once();
      const [id] = await recorder.append([event('s', 1, 0)]);
      await next;
      expect(seen).toEqual([id]);
      await recorder.append([], { tracking: { application: 'A', upstream: 'U', notificationId: 1n } });
      next = once();
      const [second] = await recorder.append([event('s', 2, 0)]);
      await next;
      expect(seen).toEqual([id, second]); // nothing for the tracking-only save
    } finally {
      await listener.end();
      await recorder.close();
    }
  });

  it('concurrent saves are notified, at most once each; closing sends the notification still due', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 4 });
    const listener = new pg.Client(TEST_DATABASE_URL);
    await listener.connect();
    let notifications = 0;
    listener.on('notification', (n) => {
      if (n.channel === 'eventforge_log' && n.payload === schema) notifications++;
    });
    try {
      await listener.query('LISTEN eventforge_log');
      await Promise.all(Array.from({ length: 40 }, (_, i) => recorder.append([event(`c${i}`, 1, 0)])));
      await recorder.close(); // after the last notification was sent
      await listener.query('SELECT 1'); // the listener has received what was sent before
      // The first commit is announced at once; those after it (a pool of 4: ten rounds) are due
      // in one more, which close sends rather than drops.
      expect(notifications).toBeGreaterThanOrEqual(2);
      expect(notifications).toBeLessThanOrEqual(40);
    } finally {
      await listener.end();
      await recorder.close();
    }
  });

  it('on a database without the later store migrations, saves and log reads say to run `eventforge migrate`', async () => {
    const schema = schemas.next();
    const [first] = readMigrations(storeMigrationsDir('postgresql'), 'postgresql');
    await migratePostgres(postgresTarget(`${TEST_DATABASE_URL}?schema=${schema}`), [first!]);
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, createTables: false });
    try {
      const advice = /lacks a later migration of the event store: run `eventforge migrate`/;
      await expect(recorder.append([event('s', 1, 0)])).rejects.toThrow(advice);
      await expect(recorder.readNotifications({ start: 1n, limit: 5 })).rejects.toThrow(advice);
    } finally {
      await recorder.close();
    }
  });

  it('runs as a least-privileged user once migrated: SELECT and INSERT (the routines run with its rights)', async () => {
    const schema = schemas.next();
    const role = `${schema}_app`;
    await (await createPostgresRecorder({ url: TEST_DATABASE_URL, schema })).close();
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE "${role}" LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
      await admin.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`);
      await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA "${schema}" TO "${role}"`);
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      // Opening checks the migrations without creating anything; PUBLIC may execute the routines.
      const recorder = await createPostgresRecorder({ url: url.toString(), schema });
      expect(
        await recorder.append([event('s', 1, 0)], {
          tracking: { application: 'A', upstream: 'U', notificationId: 1n },
        }),
      ).toHaveLength(1);
      await recorder.saveSnapshot({
        streamId: 's',
        version: 1,
        topic: 'T',
        schemaVersion: 1,
        timestamp: new Date(),
        state: Uint8Array.of(1),
      });
      expect((await recorder.readStream('s')).map((e) => e.version)).toEqual([1]);
      expect((await recorder.readNotifications({ start: 1n, limit: 5 })).map((n) => n.streamId)).toEqual(['s']);
      expect(await recorder.maxNotificationId()).toBe(1n);
      await recorder.close();
    } finally {
      await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.end();
    }
  });

  it('a position taken under the insert by a writer that bypassed the stream locks: ConcurrencyError, nothing stored', async () => {
    const schema = schemas.next();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 1 });
    const rogue = new pg.Client(TEST_DATABASE_URL);
    const admin = new pg.Client(TEST_DATABASE_URL);
    await Promise.all([rogue.connect(), admin.connect()]);
    try {
      await recorder.append([event('s', 1, 0)]);
      // Uncommitted, so the save's look-up before writing does not see it; its insert waits for it.
      await rogue.query('BEGIN');
      await rogue.query(
        `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
         VALUES ('s', 3, 'T.A.E', 1, now(), '\\x00')`,
      );
      const saving = recorder.append([event('s', 2, 0), event('s', 3, 0)]).catch((e: unknown) => e);
      await until('the save to wait for the uncommitted row', async () => {
        const waiting = await admin.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%${schema}%eventforge_save%'`,
        );
        return waiting.rowCount! > 0 ? true : undefined;
      });
      await rogue.query('COMMIT');
      const error = await saving;
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ streamId: 's', expectedVersion: 2, actualVersion: 3 });
      // Version 2 was rolled back with the statement; the pool's one connection still saves.
      expect((await recorder.readStream('s')).map((e) => e.version)).toEqual([1, 3]);
      expect(await recorder.append([event('t', 1, 0)])).toHaveLength(1);
    } finally {
      await Promise.all([rogue.end(), admin.end()]);
      await recorder.close();
    }
  });

  it('the save function refuses a transaction that has written already (its id would predate the ids section)', async () => {
    const schema = schemas.next();
    await (await createPostgresRecorder({ url: TEST_DATABASE_URL, schema })).close();
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    const save = `SELECT outcome FROM "${schema}".eventforge_save(ARRAY['s'], ARRAY[1], ARRAY['T.A.E'], ARRAY[1],
      ARRAY[now()], ARRAY['\\x00'::bytea], NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO "${schema}".tracking VALUES ('A', 'U', 1)`);
      await expect(client.query(save)).rejects.toThrow(/call eventforge_append_in_transaction there/);
      await client.query('ROLLBACK');
      // In a transaction block that has not written, it saves (committed with the block).
      await client.query('BEGIN');
      expect((await client.query(save)).rows).toEqual([{ outcome: 'stored' }]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  });
});
