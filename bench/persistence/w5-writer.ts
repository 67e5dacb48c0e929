/**
 * One W5 writer process (persistence.bench.ts): 10 shared streams, one event per save, optimistic
 * concurrency with retry. It reads one JSON command per stdin line, `{ subject, database, target,
 * streams, startAt, seconds, writer }`, opens its own connection, waits for `startAt` (so that the
 * 4 writers start together however long each took to connect), saves until `seconds` have passed,
 * and prints one JSON line: `{ ok, conflicts, stored: { stream: count } }`.
 *
 * Subjects: `eventforge` (the recorder; a refused save says the stream's head), `raw` (one
 * autocommit INSERT; on a unique violation it reads the head), `raw-locked` (PostgreSQL: BEGIN,
 * LOCK TABLE, INSERT, COMMIT; on a conflict it rolls back and reads the head), `emmett` (Emmett's
 * PostgreSQL event store, `appendToStream` with `expectedStreamVersion`; its conflict error does
 * not say the head, so the writer reads `emt_streams.stream_position` with a plain query).
 */
import Database from 'better-sqlite3';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ConcurrencyError } from '../../runtime/errors.js';
import type { StoredEvent } from '../../runtime/recorder.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';

export interface W5Command {
  readonly subject: 'eventforge' | 'raw' | 'raw-locked' | 'emmett';
  readonly database: 'postgresql' | 'sqlite';
  /** A PostgreSQL URL with `?schema=` (emmett: a database of its own), or a SQLite file. */
  readonly target: string;
  readonly streams: readonly string[];
  /** Epoch ms at which to start. */
  readonly startAt: number;
  readonly seconds: number;
  readonly writer: number;
}

export interface W5Result {
  readonly ok: number;
  readonly conflicts: number;
  readonly stored: Record<string, number>;
}

/** Saves one event at `version`; resolves to undefined when stored, else the stream's head. */
type Save = (streamId: string, version: number) => Promise<number | undefined>;

const payload = new TextEncoder().encode(JSON.stringify({ name: 'Fido', breed: 'labrador', tricks: ['sit'] }));

function stored(streamId: string, version: number): StoredEvent {
  return {
    streamId,
    version,
    topic: 'DogSchool.Dog.TrickAdded',
    schemaVersion: 2,
    timestamp: new Date(),
    state: payload,
  };
}

const INSERT =
  'INSERT INTO events (stream_id, version, topic, schema_version, "timestamp", state) VALUES ($1, $2, $3, $4, $5, $6)';
const HEAD = 'SELECT COALESCE(MAX(version), 0) AS head FROM events WHERE stream_id = $1';
const row = (e: StoredEvent) => [e.streamId, e.version, e.topic, e.schemaVersion, e.timestamp.toISOString(), e.state];

async function open(c: W5Command): Promise<{ save: Save; close: () => Promise<void> }> {
  if (c.subject === 'emmett') return openEmmett(c.target);
  if (c.subject === 'eventforge') {
    const recorder =
      c.database === 'postgresql'
        ? await createPostgresRecorder({ url: c.target, poolSize: 1, createTables: false })
        : await createSqliteRecorder({ filename: c.target, createTables: false, busyTimeoutMs: 10_000 });
    return {
      save: async (streamId, version) => {
        try {
          await recorder.append([stored(streamId, version)]);
          return undefined;
        } catch (error) {
          if (error instanceof ConcurrencyError) return error.actualVersion;
          throw error;
        }
      },
      close: () => recorder.close(),
    };
  }
  if (c.database === 'sqlite') {
    const db = new Database(c.target, { timeout: 10_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const insert = db.prepare(INSERT.replace(/\$\d/g, '?'));
    const head = db.prepare(HEAD.replace(/\$\d/g, '?')).pluck();
    return {
      save: async (streamId, version) => {
        const e = stored(streamId, version);
        try {
          insert.run(e.streamId, e.version, e.topic, e.schemaVersion, e.timestamp.getTime(), e.state);
          return undefined;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
          return Number(head.get(streamId));
        }
      },
      close: async () => void db.close(),
    };
  }
  const url = new URL(c.target);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({
    connectionString: url.toString(),
    options: `-c search_path=${schema} -c TimeZone=UTC`,
  });
  await client.connect();
  const named = (name: string, text: string, values: unknown[] = []) => client.query({ name, text, values });
  const readHead = async (streamId: string) => Number((await named('head', HEAD, [streamId])).rows[0].head);
  if (c.subject === 'raw') {
    return {
      save: async (streamId, version) => {
        try {
          await named('insert', INSERT, row(stored(streamId, version)));
          return undefined;
        } catch (error) {
          if ((error as { code?: string }).code !== '23505') throw error;
          return readHead(streamId);
        }
      },
      close: () => client.end(),
    };
  }
  return {
    save: async (streamId, version) => {
      await named('begin', 'BEGIN');
      await named('lock', 'LOCK TABLE events IN EXCLUSIVE MODE');
      const inserted = await named('insert-skip', `${INSERT} ON CONFLICT DO NOTHING`, row(stored(streamId, version)));
      if (inserted.rowCount === 1) {
        await named('commit', 'COMMIT');
        return undefined;
      }
      await named('rollback', 'ROLLBACK');
      return readHead(streamId);
    },
    close: () => client.end(),
  };
}

/** Emmett's event store on a database its parent migrated. */
async function openEmmett(url: string): Promise<{ save: Save; close: () => Promise<void> }> {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'None' } });
  const client = new pg.Client(url);
  await client.connect();
  const data = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  return {
    save: async (streamId, version) => {
      try {
        await store.appendToStream(streamId, [{ type: 'DogSchool.Dog.TrickAdded', data }], {
          expectedStreamVersion: BigInt(version - 1),
        });
        return undefined;
      } catch (error) {
        if ((error as Error).constructor.name !== '_ExpectedVersionConflictError') throw error;
        const { rows } = await client.query({
          name: 'head',
          text: 'SELECT stream_position FROM emt_streams WHERE stream_id = $1',
          values: [streamId],
        });
        return Number(rows[0]?.stream_position ?? 0);
      }
    },
    close: async () => {
      await client.end();
      await store.close();
    },
  };
}

async function run(c: W5Command): Promise<W5Result> {
  const store = await open(c);
  const heads = new Map<string, number>();
  const result: W5Result = { ok: 0, conflicts: 0, stored: {} };
  let x = c.writer * 7919 + 1;
  const random = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  try {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, c.startAt - Date.now())));
    const end = c.startAt + c.seconds * 1000;
    let conflicts = 0;
    let ok = 0;
    while (Date.now() < end) {
      const streamId = c.streams[Math.floor(random() * c.streams.length)]!;
      for (;;) {
        const head = await store.save(streamId, (heads.get(streamId) ?? 0) + 1);
        if (head === undefined) {
          heads.set(streamId, (heads.get(streamId) ?? 0) + 1);
          result.stored[streamId] = (result.stored[streamId] ?? 0) + 1;
          ok++;
          break;
        }
        conflicts++;
        heads.set(streamId, head);
      }
    }
    return { ...result, ok, conflicts };
  } finally {
    await store.close();
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  process.stdout.write(JSON.stringify(await run(JSON.parse(line) as W5Command)) + '\n');
}
