/**
 * A reader polling the notification log while writers commit must never skip an event that
 * commits late with a lower id. The recorder's writers take no table lock (docs/persistence.md,
 * "Gap safety"): these tests show the hazard is real on this server, that a writer in flight
 * neither blocks other writers nor lets a reader past it, and, with 8 writers and a polling
 * reader run several times, that the reader sees every event exactly once, while the same test
 * catches the skipped events of the protocol with parts removed (the negative controls).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRecorder, postgresTarget } from '../../runtime/sql/index.js';
import type { Notification, PrismaTransactionClient, Recorder, StoredEvent } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';
import { generateStoreClient } from './store-client.js';
import { event, lcg } from './workload.js';

const skip = await postgresSkipReason();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ReadPage = (start: bigint) => Promise<readonly { id: bigint }[]>;

/** Polls the log like a projection runner: from the last id seen + 1, a small page at a time. */
class PollingReader {
  readonly seen: bigint[] = [];
  /** Non-empty pages read while the writers were still writing. */
  pagesWhileWriting = 0;
  #stop = false;
  constructor(private readonly read: ReadPage) {}

  async run(): Promise<void> {
    for (;;) {
      const stopping = this.#stop;
      const page = await this.read((this.seen.at(-1) ?? 0n) + 1n);
      this.seen.push(...page.map((n) => n.id));
      if (!stopping && page.length > 0) this.pagesWhileWriting++;
      if (page.length === 0) {
        if (stopping) return; // one more empty poll after the writers finished
        await sleep(1);
      }
    }
  }

  stop(): void {
    this.#stop = true;
  }
}

/** What one run of writers and a reader left: ids committed but never seen, seen twice, out of order. */
interface GapCount {
  readonly committed: number;
  readonly missed: number;
  readonly repeated: number;
  readonly outOfOrder: number;
  readonly pagesWhileWriting: number;
}

const WRITERS = 8;
const SAVES = 30;
const RUNS = 5;

/** The slice of the store's generated PrismaClient the writers in a caller's transaction use. */
interface TransactionClient {
  $transaction<T>(work: (tx: PrismaTransactionClient) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
}
type ClientClass = new (options: { adapter: PrismaPg }) => TransactionClient;

/**
 * A save inside a Prisma transaction, as `app.on(tx).save` makes it: one of every two first
 * writes a row of the caller's (so the transaction has its id before the save's ids section),
 * and each waits a little before its COMMIT, as a caller's transaction with more work does.
 */
async function saveInTransaction(
  prisma: TransactionClient,
  recorder: Recorder,
  schema: string,
  events: readonly StoredEvent[],
  random: () => number,
): Promise<bigint[]> {
  const writesFirst =
    process.env.GAP_EARLY === 'none' ? false : process.env.GAP_EARLY === 'all' ? true : random() < 0.5;
  return prisma.$transaction(async (tx) => {
    if (writesFirst) {
      await tx.$executeRawUnsafe(`INSERT INTO "${schema}".callers_rows (note) VALUES ($1)`, 'before the save');
      await sleep(Math.floor(random() * 3));
    }
    const ids = await recorder.within(tx).append(events);
    await sleep(Math.floor(random() * 3));
    return ids;
  });
}

/**
 * 8 writers (a pool of one connection each) save 1–4 events at a time while a reader polls. With
 * `PrismaClient`, every other writer saves inside Prisma transactions (saveInTransaction).
 */
async function race(
  schema: string,
  read: (recorder: Recorder, schema: string) => ReadPage,
  seed: number,
  PrismaClient?: ClientClass,
): Promise<GapCount> {
  const open = () => createPostgresRecorder({ url: TEST_DATABASE_URL, schema, poolSize: 1, createTables: false });
  const writers = await Promise.all(Array.from({ length: WRITERS }, open));
  const { config } = postgresTarget(TEST_DATABASE_URL, schema);
  const clients = writers.map((_, w) =>
    PrismaClient !== undefined && w % 2 === 1
      ? new PrismaClient({ adapter: new PrismaPg({ ...config, max: 1 }, { schema }) })
      : undefined,
  );
  const readerRecorder = await open();
  const reader = new PollingReader(read(readerRecorder, schema));
  const reading = reader.run();
  const committed: bigint[] = [];
  try {
    await Promise.all(
      writers.map(async (recorder, w) => {
        const random = lcg(seed * 100 + w + 11);
        const prisma = clients[w];
        for (let save = 1; save <= SAVES; save++) {
          const size = 1 + Math.floor(random() * 4);
          const streamId = `gap-${seed}-${w}-${save}`;
          const events = Array.from({ length: size }, (_, i) => event(streamId, i + 1, w));
          committed.push(
            ...(prisma === undefined
              ? await recorder.append(events)
              : await saveInTransaction(prisma, recorder, schema, events, random)),
          );
          if (random() < 0.3) await sleep(Math.floor(random() * 3));
        }
      }),
    );
    reader.stop();
    await reading;
  } finally {
    await Promise.all([...writers, readerRecorder].map((r) => r.close()));
    await Promise.all(clients.map((c) => c?.$disconnect()));
  }
  const seen = new Set(reader.seen);
  if (process.env.GAP_DEBUG) {
    const lost = committed.filter((id) => !seen.has(id));
    const admin = new pg.Client(TEST_DATABASE_URL);
    await admin.connect();
    const rows = await admin.query(
      `SELECT id, stream_id, tx_id::text FROM "${schema}".events WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [lost.map(String)],
    );
    console.log(
      'LOST',
      rows.rows.slice(0, 20),
      'last seen',
      reader.seen.at(-1),
      'max committed',
      committed.reduce((a, b) => (a > b ? a : b), 0n),
    );
    await admin.end();
  }
  let outOfOrder = 0;
  for (let i = 1; i < reader.seen.length; i++) if (reader.seen[i]! <= reader.seen[i - 1]!) outOfOrder++;
  return {
    committed: committed.length,
    missed: committed.filter((id) => !seen.has(id)).length,
    repeated: reader.seen.length - seen.size,
    outOfOrder,
    pagesWhileWriting: reader.pagesWhileWriting,
  };
}

/** How the reader of one run reads the log. */
type Reading = (recorder: Recorder, schema: string) => ReadPage;

/** The recorder's own log read. */
const recorderRead =
  (recorder: Recorder): ReadPage =>
  (start) =>
    recorder.readNotifications({ start, limit: 7 });

/**
 * The save function of `schema` (or its in-transaction function) rewritten by `edit` (a
 * negative control), through pg_get_functiondef.
 */
async function rewriteAppend(
  admin: pg.Client,
  schema: string,
  edit: (definition: string) => string,
  routine = 'eventforge_save',
): Promise<void> {
  const { rows } = await admin.query(
    `SELECT pg_get_functiondef(p.oid) AS definition FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND p.proname = $2`,
    [schema, routine],
  );
  const before = rows[0].definition as string;
  const after = edit(before);
  expect(after).not.toBe(before);
  await admin.query(after);
}

/** Widens the race: a pause of 0–2 ms between taking the transaction id and drawing the ids. */
const pauseWhileTakingIds = (definition: string) =>
  definition.replace(
    'PERFORM pg_current_xact_id();',
    'PERFORM pg_current_xact_id(); PERFORM pg_sleep(random() * 0.002);',
  );
/**
 * A second pause, 0–2 ms at the end of the save, so before its COMMIT: a writer that drew low ids is then still in flight when
 * later ones commit, the case the ids lock exists for. (The reader keeps to the final rows before
 * the first one that is not, so without this pause the ids-lock control rarely misses.)
 */
const pauseBeforeCommit = (definition: string) => {
  const paused = definition.replace(
    /\n(\s*)outcome := 'stored';\nEND/,
    "\n$1PERFORM pg_sleep(random() * 0.002);\n$1outcome := 'stored';\nEND",
  );
  expect(paused).not.toBe(definition);
  return paused;
};
/** Drops the short exclusive lock around the transaction id and the ids. */
const withoutIdsLock = (definition: string) => definition.replace(/PERFORM pg_advisory_(un)?lock\(-?\d+\);/g, '');
/** The table-lock scheme instead of the advisory locks: LOCK TABLE … IN EXCLUSIVE MODE from the insert to COMMIT. */
const tableLock = (definition: string) => {
  const table = /INSERT INTO (\S+\."events")/.exec(definition)![1]!;
  return withoutLocks(definition).replace(
    'IF events > 0 THEN',
    `IF events > 0 THEN LOCK TABLE ${table} IN EXCLUSIVE MODE;`,
  );
};
/** Drops every lock a writer takes. */
const withoutLocks = (definition: string) =>
  withoutIdsLock(definition)
    .replace(/PERFORM pg_advisory_xact_lock_shared\(-?\d+\);/, '')
    .replace(/PERFORM pg_advisory_xact_lock\(keys\.k\)[^;]*;/, '');

describe.skipIf(skip !== undefined)(`gap-safe notification log on PostgreSQL${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('gap');
  const admin = new pg.Client(TEST_DATABASE_URL);
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.end();
    await schemas.dropAll();
  });

  /** A fresh schema with the store's tables and routines. */
  async function store(): Promise<string> {
    const schema = schemas.next();
    await (await createPostgresRecorder({ url: TEST_DATABASE_URL, schema })).close();
    return schema;
  }

  it('without a protocol, a reader really can skip a late commit (the hazard is real)', async () => {
    const schema = await store();
    const slow = new pg.Client(TEST_DATABASE_URL);
    const fast = new pg.Client(TEST_DATABASE_URL);
    await Promise.all([slow.connect(), fast.connect()]);
    const insert = `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
      VALUES ($1, 1, 'T.A.E', 1, now(), '\\x00') RETURNING id`;
    const plainRead = (start: bigint) =>
      fast.query(`SELECT id FROM "${schema}".events WHERE id >= $1 ORDER BY id LIMIT 10`, [start]);
    try {
      await slow.query('BEGIN');
      const lower = BigInt((await slow.query(insert, ['slow'])).rows[0].id);
      const higher = BigInt((await fast.query(insert, ['fast'])).rows[0].id); // commits at once
      expect(higher > lower).toBe(true);
      expect((await plainRead(1n)).rows.map((r) => BigInt(r.id))).toEqual([higher]); // a reader moves past `lower`...
      await slow.query('COMMIT');
      expect((await plainRead(higher + 1n)).rows).toEqual([]); // ...and never sees it
    } finally {
      await Promise.all([slow.end(), fast.end()]);
    }
  });

  it('a writer in flight: other writers do not wait for it; readers see nothing past it until it commits', async () => {
    const schema = await store();
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, createTables: false });
    const slow = new pg.Client(TEST_DATABASE_URL);
    await slow.connect();
    try {
      // A writer following the procedure's protocol by hand, stalled between its insert and its COMMIT.
      await slow.query('BEGIN');
      await slow.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended('eventforge writers ' || $1, 0))`, [
        schema,
      ]);
      await slow.query(`SELECT pg_advisory_lock(hashtextextended('eventforge ids ' || $1, 0))`, [schema]);
      await slow.query('SELECT pg_current_xact_id()');
      const lower = BigInt(
        (
          await slow.query(
            `INSERT INTO "${schema}".events (stream_id, version, topic, schema_version, "timestamp", state)
             VALUES ('slow', 1, 'T.A.E', 1, now(), '\\x00') RETURNING id`,
          )
        ).rows[0].id,
      );
      await slow.query(`SELECT pg_advisory_unlock(hashtextextended('eventforge ids ' || $1, 0))`, [schema]);

      const [higher] = await recorder.append([event('fast', 1, 1)]); // returns without waiting for `slow`
      expect(higher! > lower).toBe(true);
      expect(await recorder.readStream('fast')).toHaveLength(1); // committed and readable by stream
      expect(await recorder.readNotifications({ start: 1n, limit: 10 })).toEqual([]); // but not past `slow`
      // The same through the read routine's widest arguments.
      const widest = { start: 1n, stop: 2n ** 63n - 1n, topics: ['T.A.E'], limit: Number.MAX_SAFE_INTEGER };
      expect(await recorder.readNotifications(widest)).toEqual([]);
      // The stored head counts the committed save; a log read is complete only up to before `slow`.
      expect(await recorder.maxNotificationId()).toBe(higher);
      expect((await recorder.readLog({ start: 1n, limit: 10 })).upTo).toBe(0n);
      expect((await recorder.readLog(widest)).upTo).toBe(0n);
      await slow.query('COMMIT');
      const log = await recorder.readNotifications({ start: 1n, limit: 10 });
      expect(log.map((n: Notification) => n.id)).toEqual([lower, higher]);
      expect((await recorder.readNotifications(widest)).map((n) => n.id)).toEqual([lower]);
      expect(await recorder.maxNotificationId()).toBe(higher);
      expect((await recorder.readLog(widest)).upTo).toBe(higher);
    } finally {
      await slow.end();
      await recorder.close();
    }
  });

  it('a save cancelled inside the ids section leaves no lock behind on its connection', async () => {
    const schema = await store();
    // Make the ids section long enough to be cancelled in (this schema's procedure only).
    await rewriteAppend(admin, schema, (d) =>
      d.replace('PERFORM pg_current_xact_id();', 'PERFORM pg_current_xact_id(); PERFORM pg_sleep(2);'),
    );
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    try {
      await client.query('SET statement_timeout = 200');
      const call = `SELECT * FROM "${schema}".eventforge_save(ARRAY['s'], ARRAY[1], ARRAY['T.A.E'], ARRAY[1],
        ARRAY[now()], ARRAY['\\x00'::bytea], NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;
      await expect(client.query(call)).rejects.toThrow(/statement timeout/);
      // The same session (not closed, unlike a pooled connection after an error) holds no lock.
      const held = await client.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
      );
      expect(held.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    // Other writers are not stuck behind it.
    await rewriteAppend(admin, schema, (d) => d.replace('PERFORM pg_sleep(2);', ''));
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema, createTables: false });
    try {
      expect(await recorder.append([event('after', 1, 0)])).toHaveLength(1);
    } finally {
      await recorder.close();
    }
  });

  it(`${WRITERS} writers and a polling reader, several runs: the protocol loses nothing; ` +
    'without its locks the same test counts skipped events', async () => {
    const counts: Record<string, GapCount[]> = {};
    const run = async (name: string, edit?: (d: string) => string, read: Reading = recorderRead) => {
      for (let r = 0; r < RUNS; r++) {
        const schema = await store();
        if (edit !== undefined) await rewriteAppend(admin, schema, edit);
        (counts[name] ??= []).push(await race(schema, read, r + 1));
      }
    };
    await run('protocol', undefined);
    await run('protocol, with a pause while taking ids', pauseWhileTakingIds);
    await run('no ids lock, with both pauses (control)', (d) =>
      pauseBeforeCommit(pauseWhileTakingIds(withoutIdsLock(d))),
    );
    // A reader that reads every visible row, as the table lock allows and the controls need.
    const plainRead: Reading = (_recorder, schema) => async (start) =>
      (await admin.query(`SELECT id FROM "${schema}".events WHERE id >= $1 ORDER BY id LIMIT 7`, [start])).rows.map(
        (r: { id: string }) => ({ id: BigInt(r.id) }),
      );
    await run('table lock, with the pause', (d) => pauseWhileTakingIds(tableLock(d)), plainRead);
    // No locks and the plain reader: the protocol entirely removed.
    await run('no protocol (control)', (d) => pauseWhileTakingIds(withoutLocks(d)), plainRead);
    for (const [name, runs] of Object.entries(counts)) {
      console.log(
        `${name}: missed ${runs.map((c) => c.missed).join(', ')} of ${runs.map((c) => c.committed).join(', ')}; ` +
          `repeated ${runs.map((c) => c.repeated).join(', ')}; pages while writing ${runs.map((c) => c.pagesWhileWriting).join(', ')}`,
      );
    }
    for (const name of ['protocol', 'protocol, with a pause while taking ids', 'table lock, with the pause']) {
      for (const c of counts[name]!) {
        expect(c).toMatchObject({ missed: 0, repeated: 0, outOfOrder: 0 });
        expect(c.pagesWhileWriting).toBeGreaterThan(10); // it really read while they wrote
      }
    }
    const missed = (name: string) => counts[name]!.reduce((n, c) => n + c.missed, 0);
    expect(missed('no ids lock, with both pauses (control)')).toBeGreaterThan(0);
    expect(missed('no protocol (control)')).toBeGreaterThan(0);
  }, 300_000);

  it(`${WRITERS} writers, half of them saving inside Prisma transactions (half of those after a write of their own): ` +
    'nothing lost; letting a transaction that had its id before the save share the writers key loses events', async () => {
    const dir = mkdtempSync(join(import.meta.dirname, '../../.scratch-gap-'));
    try {
      const { PrismaClient } = (await import(generateStoreClient('postgresql', dir))) as { PrismaClient: ClientClass };
      const counts: Record<string, GapCount[]> = {};
      const run = async (name: string, edit?: (d: string) => string) => {
        for (let r = 0; r < RUNS; r++) {
          const schema = await store();
          await admin.query(`CREATE TABLE "${schema}".callers_rows (id serial PRIMARY KEY, note text)`);
          if (edit !== undefined) await rewriteAppend(admin, schema, edit, 'eventforge_append_in_transaction');
          (counts[name] ??= []).push(await race(schema, recorderRead, r + 1, PrismaClient));
        }
      };
      await run('in Prisma transactions');
      // The control: the exclusive writers key of a transaction that had its id made shared.
      await run('in Prisma transactions, early ids sharing the writers key (control)', (d) =>
        d.replace(/PERFORM pg_advisory_xact_lock\((-?\d+)\);/, 'PERFORM pg_advisory_xact_lock_shared($1);'),
      );
      for (const [name, runs] of Object.entries(counts)) {
        console.log(
          `${name}: missed ${runs.map((c) => c.missed).join(', ')} of ${runs.map((c) => c.committed).join(', ')}; ` +
            `repeated ${runs.map((c) => c.repeated).join(', ')}; pages while writing ${runs.map((c) => c.pagesWhileWriting).join(', ')}`,
        );
      }
      for (const c of counts['in Prisma transactions']!) {
        expect(c).toMatchObject({ missed: 0, repeated: 0, outOfOrder: 0 });
        expect(c.pagesWhileWriting).toBeGreaterThan(10);
      }
      const missed = counts['in Prisma transactions, early ids sharing the writers key (control)']!;
      expect(missed.reduce((n, c) => n + c.missed, 0)).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
