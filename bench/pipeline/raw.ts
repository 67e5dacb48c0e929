/**
 * The pipeline bench's baseline: the shop's chain on the bare driver (better-sqlite3, pg), on
 * the store's own tables (one store per application), doing the least that is correct:
 *
 * - a command inserts its order's row in a transaction of its own (a command is a request);
 * - Reservations is a loop that reads a batch of order rows after its position and, in ONE
 *   transaction of its store, inserts a `Reserved` row per order and the tracking record; the
 *   stock it decides on is kept in memory (one process, one loop: nothing else changes it);
 * - Payments is the same loop over the `Reserved` rows, inserting a `Charged` row per row.
 *
 * Each log has one writer at a time, so reading after the last id seen is gap-free here (the
 * recorders' gap-safety protocol is what they pay for many writers).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { createSqliteRecorder } from '../../runtime/sql/index.js';

export const SKUS = Array.from({ length: 100 }, (_, i) => `sku-${i}`);
/** Enough that no order of the bench is refused. */
export const STOCK_PER_SKU = 1_000_000;
const BATCH = 1000;
const PLACED = 'Shop.Order.Placed';
const RESERVED = 'Shop.Stock.Reserved';
const CHARGED = 'Shop.Payment.Charged';

/** The i-th order of the bench. */
export function orderOf(i: number): { customer: string; sku: string; quantity: number; priceCents: number } {
  return { customer: `customer ${i % 50}`, sku: SKUS[i % SKUS.length]!, quantity: 1, priceCents: 100 + (i % 7) };
}

export interface RawPipeline {
  /**
   * `commands` commands, then each stage in batches of 1,000 until the last charge is stored: the
   * fewest commits the chain can make (one per command, one per batch and stage).
   */
  run(commands: number): Promise<void>;
  /** The command `i`, then one batch of each stage: the chain for one command. */
  one(i: number): Promise<void>;
  close(): Promise<void>;
}

/** A row to insert into a log. */
interface Row {
  readonly streamId: string;
  readonly version: number;
  readonly topic: string;
  readonly state: Buffer;
}

/** What the loops need of a database: one command, and one stage batch in one transaction. */
interface Driver {
  insert(log: string, row: Row): Promise<void>;
  /**
   * Reads up to BATCH rows of `topic` after `after` from `from`; inserts `map` of them into `to`
   * with the tracking record, in one transaction of `to`. The last id read, and how many.
   */
  stage(
    from: string,
    to: string,
    topic: string,
    after: bigint,
    map: (streamId: string, state: Buffer) => Row,
  ): Promise<[bigint, number]>;
  close(): Promise<void>;
}

/** Opens the raw pipeline on the stores `urlOf` names (SQLite files or PostgreSQL schemas). */
export async function openRawPipeline(
  kind: 'sqlite' | 'postgresql',
  urlOf: (name: string) => string,
): Promise<RawPipeline> {
  const driver = kind === 'sqlite' ? await sqliteDriver(urlOf) : await postgresDriver(urlOf);
  const stock = new Map(SKUS.map((sku) => [sku, { version: 2, onHand: STOCK_PER_SKU }]));
  const reserve = (orderId: string, state: Buffer): Row => {
    const order = JSON.parse(state.toString('utf8')) as ReturnType<typeof orderOf>;
    const held = stock.get(order.sku)!;
    if (held.onHand < order.quantity) throw new Error(`raw pipeline: ${order.sku} is out of stock`);
    held.onHand -= order.quantity;
    const data = {
      orderId,
      customer: order.customer,
      quantity: order.quantity,
      amountCents: order.quantity * order.priceCents,
    };
    return { streamId: order.sku, version: ++held.version, topic: RESERVED, state: Buffer.from(JSON.stringify(data)) };
  };
  const charge = (_stock: string, state: Buffer): Row => {
    const { orderId, customer, amountCents } = JSON.parse(state.toString('utf8')) as Record<string, string | number>;
    const data = { orderId, customer, amountCents };
    return { streamId: `payment ${orderId}`, version: 1, topic: CHARGED, state: Buffer.from(JSON.stringify(data)) };
  };
  let orders = 0;
  let reservedAt = 0n;
  let chargedAt = 0n;
  const place = async (i: number) => {
    const state = Buffer.from(JSON.stringify(orderOf(i)));
    await driver.insert('Orders', { streamId: `order ${++orders}`, version: 1, topic: PLACED, state });
  };
  const reserveBatch = async () => {
    const [last, count] = await driver.stage('Orders', 'Reservations', PLACED, reservedAt, reserve);
    reservedAt = last;
    return count;
  };
  const chargeBatch = async () => {
    const [last, count] = await driver.stage('Reservations', 'Payments', RESERVED, chargedAt, charge);
    chargedAt = last;
    return count;
  };
  /** Runs a stage until it has processed `total` rows. */
  const follow = async (batch: () => Promise<number>, total: number) => {
    for (let done = 0; done < total; ) {
      const count = await batch();
      if (count === 0) throw new Error(`raw pipeline: a stage found ${done} rows of ${total}`);
      done += count;
    }
  };
  return {
    run: async (commands) => {
      for (let i = 0; i < commands; i++) await place(i);
      // Followers running beside the commands would commit smaller batches: more commits, not fewer.
      await follow(reserveBatch, commands);
      await follow(chargeBatch, commands);
    },
    one: async (i) => {
      await place(i);
      await reserveBatch();
      await chargeBatch();
    },
    close: () => driver.close(),
  };
}

const INSERT_COLUMNS = 'stream_id, version, topic, schema_version, "timestamp", state';

async function sqliteDriver(urlOf: (name: string) => string): Promise<Driver> {
  const dbs = new Map<string, Database.Database>();
  for (const name of ['Orders', 'Reservations', 'Payments']) {
    const filename = urlOf(name).slice('file:'.length);
    // The recorder creates the tables (its migrations); then the bare driver, with its settings.
    await (await createSqliteRecorder({ filename })).close();
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.defaultSafeIntegers(true);
    dbs.set(name, db);
  }
  const insertOne = new Map(
    [...dbs].map(([name, db]) => [
      name,
      db.prepare(`INSERT INTO events (${INSERT_COLUMNS}) VALUES (?, ?, ?, 1, ?, ?)`),
    ]),
  );
  const inserts = new Map<string, Database.Statement>();
  const insertMany = (name: string, n: number) => {
    const key = `${name} ${n}`;
    let statement = inserts.get(key);
    if (statement === undefined) {
      const values = Array.from({ length: n }, () => '(?, ?, ?, 1, ?, ?)').join(', ');
      statement = dbs.get(name)!.prepare(`INSERT INTO events (${INSERT_COLUMNS}) VALUES ${values}`);
      inserts.set(key, statement);
    }
    return statement;
  };
  const reads = new Map(
    [...dbs].map(([name, db]) => [
      name,
      db.prepare('SELECT id, stream_id, state FROM events WHERE id > ? AND topic = ? ORDER BY id LIMIT ?').raw(),
    ]),
  );
  const tracks = new Map(
    [...dbs].map(([name, db]) => [
      name,
      db.prepare('INSERT INTO tracking (application, upstream, notification_id) VALUES (?, ?, ?)'),
    ]),
  );
  return {
    insert: async (log, row) => {
      insertOne.get(log)!.run(row.streamId, row.version, row.topic, Date.now(), row.state);
    },
    stage: async (from, to, topic, after, map) => {
      const rows = reads.get(from)!.all(after, topic, BATCH) as [bigint, string, Buffer][];
      if (rows.length === 0) return [after, 0];
      const last = rows[rows.length - 1]![0];
      const now = Date.now();
      const params = rows.flatMap(([, streamId, state]) => {
        const row = map(streamId, state);
        return [row.streamId, row.version, row.topic, now, row.state];
      });
      dbs
        .get(to)!
        .transaction(() => {
          insertMany(to, rows.length).run(...params);
          tracks.get(to)!.run(to, from, last);
        })
        .immediate();
      return [last, rows.length];
    },
    close: async () => {
      for (const db of dbs.values()) db.close();
    },
  };
}

async function postgresDriver(urlOf: (name: string) => string): Promise<Driver> {
  const schemaOf = (name: string) => `"${new URL(urlOf(name)).searchParams.get('schema')}"`;
  const base = urlOf('Orders').split('?')[0]!;
  // One connection per writer: the commands, and each loop.
  const clients = new Map<string, pg.Client>();
  for (const role of ['Orders', 'Reservations', 'Payments']) {
    const client = new pg.Client(base);
    await client.connect();
    clients.set(role, client);
  }
  return {
    insert: async (log, row) => {
      await clients.get(log)!.query({
        name: `insert_${log}`,
        text: `INSERT INTO ${schemaOf(log)}.events (${INSERT_COLUMNS}) VALUES ($1, $2, $3, 1, now(), $4)`,
        values: [row.streamId, row.version, row.topic, row.state],
      });
    },
    stage: async (from, to, topic, after, map) => {
      const client = clients.get(to)!;
      const { rows } = await client.query({
        name: `read_${from}`,
        text: `SELECT id, stream_id, state FROM ${schemaOf(from)}.events WHERE id > $1 AND topic = $2 ORDER BY id LIMIT $3`,
        values: [after.toString(), topic, BATCH],
        rowMode: 'array',
      });
      if (rows.length === 0) return [after, 0];
      const last = BigInt((rows[rows.length - 1] as [string])[0]);
      const mapped = (rows as [string, string, Buffer][]).map(([, streamId, state]) => map(streamId, state));
      await client.query('BEGIN');
      try {
        await client.query({
          name: `insert_${to}`,
          text:
            `INSERT INTO ${schemaOf(to)}.events (${INSERT_COLUMNS}) ` +
            'SELECT s, v, t, 1, now(), b FROM unnest($1::text[], $2::int[], $3::text[], $4::bytea[]) AS u(s, v, t, b)',
          values: [
            mapped.map((r) => r.streamId),
            mapped.map((r) => r.version),
            mapped.map((r) => r.topic),
            mapped.map((r) => r.state),
          ],
        });
        await client.query({
          name: `track_${to}`,
          text: `INSERT INTO ${schemaOf(to)}.tracking (application, upstream, notification_id) VALUES ($1, $2, $3)`,
          values: [to, from, last.toString()],
        });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      return [last, rows.length];
    },
    close: async () => {
      for (const client of clients.values()) await client.end();
    },
  };
}
