/**
 * `ProjectionRunner.rebuild` of a declarative view replays into a shadow table and swaps it in:
 * a reader polling the view on a connection of its own during the whole rebuild always sees it
 * complete (every dog, every trick), while the shadow table fills up beside it; afterwards the
 * shadow and its tracking row are gone and the runner follows the log again. On a real SQLite
 * file and a fresh PostgreSQL schema.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectionRunner } from 'eventforge/runtime';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { DogTricksProjection } from '../../generated/dog-school/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const skip = await postgresSkipReason();
const DOGS = 60;
const TRICKS = 9;

/** Counts of a table: rows and the sum of trick counts, or undefined when it does not exist. */
type Count = (table: string) => Promise<{ rows: number; tricks: number } | undefined>;

/** What a reader saw of the view (counts) and of the shadow (its trick sums while half-built). */
interface Seen {
  readonly seen: ({ rows: number; tricks: number } | undefined)[];
  readonly partial: number[];
}

/** Reads the view and the shadow over and over while `work` runs. */
type Watch = (work: () => Promise<void>) => Promise<Seen>;

/** A reader polling between the awaits of the test's own event loop. */
function pollingReader(count: Count): Watch {
  return async (work) => {
    const seen: Seen = { seen: [], partial: [] };
    let working = true;
    const reader = (async () => {
      while (working) {
        seen.seen.push(await count('dog_tricks'));
        const shadow = await count('dog_tricks__rebuild');
        if (shadow !== undefined && shadow.tricks < DOGS * TRICKS) seen.partial.push(shadow.tricks);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      await work();
    } finally {
      working = false;
      await reader;
    }
    return seen;
  };
}

/**
 * A reader in a worker thread with a SQLite connection of its own: the rebuild on better-sqlite3
 * seldom yields to the test's event loop, so the reads run beside it in parallel.
 */
function threadReader(file: string): Watch {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.file, { readonly: true });
    const stop = new Int32Array(workerData.stop);
    const count = (table) => {
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) === undefined) return undefined;
      const row = db.prepare('SELECT COUNT(*) AS r, COALESCE(SUM(trick_count), 0) AS t FROM "' + table + '"').get();
      return { rows: row.r, tricks: row.t };
    };
    const seen = [], partial = [];
    parentPort.postMessage('ready');
    // One read transaction a round: the table list and the counts come from one snapshot, or the
    // swap could rename a table between the look-up and the count.
    const round = db.transaction(() => [count('dog_tricks'), count('dog_tricks__rebuild')]);
    while (Atomics.load(stop, 0) === 0) {
      const [live, shadow] = round();
      seen.push(live);
      if (shadow !== undefined && shadow.tricks < workerData.full) partial.push(shadow.tricks);
    }
    parentPort.postMessage({ seen, partial });
  `;
  return async (work) => {
    const stop = new SharedArrayBuffer(4);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(code, { eval: true, workerData: { file, driver, stop, full: DOGS * TRICKS } });
    const messages: unknown[] = [];
    const done = new Promise<Seen>((resolve, reject) => {
      worker.on('message', (m) => (m === 'ready' ? messages.push(m) : resolve(m as Seen)));
      worker.on('error', reject);
    });
    while (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      await work();
    } finally {
      Atomics.store(new Int32Array(stop), 0, 1);
    }
    const seen = await done;
    await worker.terminate();
    return seen;
  };
}

async function rebuiltWhileRead(url: string, count: Count, watch: Watch): Promise<void> {
  const school = new DogSchool({ env: { DATABASE_URL: url } });
  try {
    for (let d = 0; d < DOGS; d++) {
      const dog = Dog.create({ name: `dog ${d}` });
      for (let t = 0; t < TRICKS; t++) dog.addTrick(`trick ${t}`);
      await school.save(dog);
    }
    const runner = new ProjectionRunner(school, new DogTricksProjection(), { batchSize: 10 });
    await runner.start();
    await runner.wait(await school.log.maxId(), { timeout: 20_000 });
    const full = { rows: DOGS, tricks: DOGS * TRICKS };
    expect(await count('dog_tricks')).toEqual(full);

    const { seen, partial } = await watch(() => runner.rebuild());
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((c) => c === undefined || c.rows !== full.rows || c.tricks !== full.tricks)).toEqual([]);
    // The reads overlapped the replay: the shadow was seen half-built.
    expect(partial.length).toBeGreaterThan(0);
    expect(await count('dog_tricks__rebuild')).toBeUndefined();

    const dog = await school.dogs.get((await school.log.select(1n, 1))[0]!.event.originatorId);
    dog.addTrick('after the rebuild');
    const [saved] = await school.save(dog);
    await runner.wait(saved!, { timeout: 20_000 });
    expect(await count('dog_tricks')).toEqual({ rows: DOGS, tricks: DOGS * TRICKS + 1 });
    await runner.stop();
    const names = (
      await (
        await school.recorder()
      ).transaction((tx) =>
        tx.query<{ application: string }>('SELECT DISTINCT application FROM tracking ORDER BY application'),
      )
    ).map((r) => r.application);
    expect(names).toEqual(['DogTricks']);
    // Again: the swapped-in table's indexes and constraint carry the live names, so a second shadow can be built.
    await runner.rebuild();
    expect(await count('dog_tricks')).toEqual({ rows: DOGS, tricks: DOGS * TRICKS + 1 });
    expect(await count('dog_tricks__rebuild')).toBeUndefined();
  } finally {
    await school.close();
  }
}

describe('rebuild by swap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-view-swap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on a SQLite file: readers see the whole old view until the whole new one', async () => {
    const file = join(dir, 'swap.sqlite');
    const school = new DogSchool({ env: { DATABASE_URL: `file:${file}` } });
    await school.recorder();
    await school.close();
    const db = new Database(file, { readonly: true });
    try {
      const count: Count = async (table) => {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
        if (exists === undefined) return undefined;
        const row = db.prepare(`SELECT COUNT(*) AS r, COALESCE(SUM(trick_count), 0) AS t FROM "${table}"`).get() as {
          r: number;
          t: number;
        };
        return { rows: row.r, tricks: row.t };
      };
      await rebuiltWhileRead(`file:${file}`, count, threadReader(file));
    } finally {
      db.close();
    }
  }, 60_000);

  const schemas = new SchemaPool('swap');
  afterAll(() => schemas.dropAll());
  it.skipIf(skip !== undefined)(
    `on PostgreSQL${skip ? `: ${skip}` : ''}`,
    async () => {
      const schema = schemas.next();
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(`SET search_path TO "${schema}"`);
        const count: Count = async (table) => {
          const exists = await client.query('SELECT to_regclass($1) AS t', [`"${schema}"."${table}"`]);
          if (exists.rows[0].t === null) return undefined;
          try {
            const { rows } = await client.query(
              `SELECT COUNT(*)::int AS r, COALESCE(SUM(trick_count), 0)::int AS t FROM "${table}"`,
            );
            return { rows: rows[0].r as number, tricks: rows[0].t as number };
          } catch (error) {
            // The shadow was renamed between the two statements: it is gone.
            if ((error as { code?: string }).code === '42P01' && table.endsWith('__rebuild')) return undefined;
            throw error;
          }
        };
        await rebuiltWhileRead(`${TEST_DATABASE_URL}?schema=${schema}`, count, pollingReader(count));
      } finally {
        await client.end();
      }
    },
    60_000,
  );
});
