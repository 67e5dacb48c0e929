/**
 * An attacker with write access to the database, against encrypted payloads: every column of
 * the events and snapshots tables is altered, payloads are moved, swapped and replayed, on a
 * SQLite file and on PostgreSQL. Each is refused with a DecryptionError naming the stream and
 * version it was found at, or (for what encryption cannot bind) shown to do only what
 * docs/security.md says it can.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application } from '../../runtime/application.js';
import { DecryptionError, EventforgeError } from '../../runtime/errors.js';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { rejection } from '../runtime/fixtures/rejection.js';
import { postgresSkipReason, SchemaPool } from './postgres-helpers.js';
import { postgresRows, sqliteRows, type StoredRows } from './stored-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-context-'));
const schemas = new SchemaPool('context');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

let files = 0;
const stores: { label: string; fresh: () => StoredRows }[] = [
  { label: 'SQLite', fresh: () => sqliteRows(dir, `store-${++files}`) },
];
const postgresSkip = await postgresSkipReason();
if (postgresSkip === undefined) stores.push({ label: 'PostgreSQL', fresh: () => postgresRows(schemas) });
else describe.skip(`payload context on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));

const A = 'dog-a';
const B = 'dog-b';
const where = 'WHERE stream_id = ? AND version = ?';
const stateOf = (table: string, stream: string, version: number) =>
  `(SELECT state FROM ${table} WHERE stream_id = '${stream}' AND version = ${version})`;

/** What a tampering case does to the tables, and how a reader then meets it. */
interface Case {
  readonly name: string;
  tamper(db: StoredRows): Promise<unknown>;
  read(app: Application): Promise<unknown>;
  /** Where the refused record sits now. */
  readonly at: readonly [string, number];
}

const latest = (id: string) => (app: Application) => app.repository(Dog).get(id);

// Dog A: events 1..3 (Registered, sit, stay) and a snapshot at 2. Dog B: events 1..3 (Registered, fetch, beg), snapshot at 3.
const eventCases: Case[] = [
  {
    name: "another stream's payload (B's event 3 into A's event 3: A would get B's trick)",
    tamper: (db) => db.run(`UPDATE events SET state = ${stateOf('events', B, 3)} ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: "another version's payload (A's event 2 into A's event 3)",
    tamper: (db) => db.run(`UPDATE events SET state = ${stateOf('events', A, 2)} ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'an event replayed at a new version (A 2 copied as A 4)',
    tamper: (db) => copyEvent(db, [A, 2], [A, 4]),
    read: latest(A),
    at: [A, 4],
  },
  {
    name: 'an event replayed into another stream (B 3 copied as A 4)',
    tamper: (db) => copyEvent(db, [B, 3], [A, 4]),
    read: latest(A),
    at: [A, 4],
  },
  {
    name: 'a snapshot payload in an event row',
    tamper: (db) => db.run(`UPDATE events SET state = ${stateOf('snapshots', A, 2)} ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the stream_id column changed (A 3 → dog-c)',
    tamper: (db) => db.run(`UPDATE events SET stream_id = 'dog-c' ${where}`, [A, 3]),
    read: latest('dog-c'),
    at: ['dog-c', 3],
  },
  {
    name: 'the version column changed (A 3 → 4)',
    tamper: (db) => db.run(`UPDATE events SET version = 4 ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 4],
  },
  {
    name: 'the topic column changed (TrickAdded → Renamed)',
    tamper: (db) => db.run(`UPDATE events SET topic = 'Kennel.Dog.Renamed' ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the schema_version column changed (2 → 1)',
    tamper: (db) => db.run(`UPDATE events SET schema_version = 1 ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the timestamp column changed (one second later)',
    tamper: (db) => db.run(`UPDATE events SET timestamp = ${db.oneSecondLater} ${where}`, [A, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the state column altered (one bit)',
    tamper: (db) => flipBit(db, 'events', A, 3),
    read: latest(A),
    at: [A, 3],
  },
];

const snapshotCases: Case[] = [
  {
    name: "another stream's snapshot (B's snapshot 3 stored as A's)",
    tamper: (db) =>
      db.run(
        `INSERT INTO snapshots (stream_id, version, topic, schema_version, timestamp, state) SELECT CAST(? AS TEXT), version, topic, schema_version, timestamp, state FROM snapshots ${where}`,
        [A, B, 3],
      ),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'an older snapshot replayed at a newer version (A 2 copied as A 3)',
    tamper: (db) =>
      db.run(
        `INSERT INTO snapshots (stream_id, version, topic, schema_version, timestamp, state) SELECT stream_id, 3, topic, schema_version, timestamp, state FROM snapshots ${where}`,
        [A, 2],
      ),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'an event payload in a snapshot row',
    tamper: (db) => db.run(`UPDATE snapshots SET state = ${stateOf('events', A, 2)} ${where}`, [A, 2]),
    read: latest(A),
    at: [A, 2],
  },
  {
    name: 'the stream_id column changed (B → A)',
    tamper: (db) => db.run(`UPDATE snapshots SET stream_id = ? ${where}`, [A, B, 3]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the version column changed (A 2 → 3)',
    tamper: (db) => db.run(`UPDATE snapshots SET version = 3 ${where}`, [A, 2]),
    read: latest(A),
    at: [A, 3],
  },
  {
    name: 'the topic column changed (Kennel.Dog → Kennel.Owner)',
    tamper: (db) => db.run(`UPDATE snapshots SET topic = 'Kennel.Owner' ${where}`, [A, 2]),
    read: latest(A),
    at: [A, 2],
  },
  {
    name: 'the schema_version column changed (2 → 1)',
    tamper: (db) => db.run(`UPDATE snapshots SET schema_version = 1 ${where}`, [A, 2]),
    read: latest(A),
    at: [A, 2],
  },
  {
    name: 'the timestamp column changed (one second later)',
    tamper: (db) => db.run(`UPDATE snapshots SET timestamp = ${db.oneSecondLater} ${where}`, [A, 2]),
    read: latest(A),
    at: [A, 2],
  },
  {
    name: 'the state column altered (one bit)',
    tamper: (db) => flipBit(db, 'snapshots', A, 2),
    read: latest(A),
    at: [A, 2],
  },
];

async function copyEvent(
  db: StoredRows,
  [stream, version]: readonly [string, number],
  [toStream, toVersion]: readonly [string, number],
) {
  return db.run(
    `INSERT INTO events (stream_id, version, topic, schema_version, timestamp, state) ` +
      `SELECT CAST(? AS TEXT), CAST(? AS INTEGER), topic, schema_version, timestamp, state FROM events ${where}`,
    [toStream, toVersion, stream, version],
  );
}

async function flipBit(db: StoredRows, table: string, stream: string, version: number) {
  const [row] = await db.query(`SELECT state FROM ${table} ${where}`, [stream, version]);
  const state = Uint8Array.from(row!['state'] as Uint8Array);
  state[20]! ^= 0x01;
  return db.run(`UPDATE ${table} SET state = ? ${where}`, [state, stream, version]);
}

describe.each(stores)('encrypted payloads on $label are bound to their record', (store) => {
  let db: StoredRows;
  let app: Application;

  beforeEach(async () => {
    db = store.fresh();
    app = new Application({
      name: 'Kennel',
      domains: [kennelDomain],
      env: { DATABASE_URL: db.url, EVENTFORGE_CIPHER_KEY: generateCipherKey() },
      snapshotEvery: { Dog: null },
    });
    const a = Dog.register('Rex', { id: A });
    a.addTrick('sit');
    a.addTrick('stay');
    const b = Dog.register('Fido', { id: B });
    b.addTrick('fetch');
    b.addTrick('beg');
    await app.save(a, b);
    await app.takeSnapshot(Dog, A, 2);
    await app.takeSnapshot(Dog, B, 3);
  });

  afterEach(async () => {
    await app.close();
    await db.close();
  });

  const tricks = async (id: string, version?: number) =>
    (await app.repository(Dog).get(id, version === undefined ? {} : { version })).tricks.map((t) => t.name);

  it('untouched, both dogs load', async () => {
    expect(await tricks(A)).toEqual(['sit', 'stay']);
    expect(await tricks(B)).toEqual(['fetch', 'beg']);
  });

  describe.each([
    { table: 'events', cases: eventCases },
    { table: 'snapshots', cases: snapshotCases },
  ])('$table', ({ cases }) => {
    it.each(cases)('$name is refused, naming the stream and version', async ({ tamper, read, at }) => {
      expect(await tamper(db)).toBe(1);
      const error = await rejection(read(app));
      expect(error).toBeInstanceOf(DecryptionError);
      const refused = error as DecryptionError;
      expect([refused.streamId, refused.streamVersion]).toEqual(at);
      expect(refused.message).toContain(`stream ${at[0]}, version ${at[1]}`);
    });
  });

  it('two payloads swapped (A 3 ↔ B 2) are both refused', async () => {
    const [a3] = await db.query(`SELECT state FROM events ${where}`, [A, 3]);
    const [b2] = await db.query(`SELECT state FROM events ${where}`, [B, 2]);
    await db.run(`UPDATE events SET state = ? ${where}`, [b2!['state'] as Uint8Array, A, 3]);
    await db.run(`UPDATE events SET state = ? ${where}`, [a3!['state'] as Uint8Array, B, 2]);
    const atA = (await rejection(latest(A)(app))) as DecryptionError;
    const atB = (await rejection(app.repository(Dog).get(B, { version: 2 }))) as DecryptionError;
    expect([atA.streamId, atA.streamVersion, atB.streamId, atB.streamVersion]).toEqual([A, 3, B, 2]);
  });

  describe('what binding cannot prevent (docs/security.md)', () => {
    it('events.id (the log position, assigned after sealing) can be changed: aggregates load as before, the log order changes', async () => {
      const before = (await app.log.select(1n, 10)).map((e) => `${e.event.originatorId}:${e.event.originatorVersion}`);
      expect(await db.run(`UPDATE events SET id = id + 1000 ${where}`, [A, 2])).toBe(1);
      expect(await tricks(A, 3)).toEqual(['sit', 'stay']);
      const after = (await app.log.select(1n, 10)).map((e) => `${e.event.originatorId}:${e.event.originatorVersion}`);
      expect(after).not.toEqual(before);
      expect(after.at(-1)).toBe(`${A}:2`);
    });

    it('the newest events of a stream can be deleted (truncation): the aggregate loads at an older version', async () => {
      expect(await db.run(`DELETE FROM events WHERE stream_id = ? AND version = 3`, [A])).toBe(1);
      expect(await tricks(A)).toEqual(['sit']);
    });

    it('a deleted event inside a stream is detected when events past it are replayed', async () => {
      await db.run(`DELETE FROM snapshots WHERE stream_id = ?`, [A]);
      expect(await db.run(`DELETE FROM events ${where}`, [A, 2])).toBe(1);
      const error = await rejection(latest(A)(app));
      expect(error).toBeInstanceOf(EventforgeError);
      expect(error.message).toMatch(/event version 3 does not follow version 1/);
    });

    it('a deleted snapshot only costs a longer replay', async () => {
      expect(await db.run(`DELETE FROM snapshots WHERE stream_id = ?`, [B])).toBe(1);
      expect(await tricks(B)).toEqual(['fetch', 'beg']);
    });

    it('tracking rows carry no payload: an inserted row is taken as processed', async () => {
      await db.run(`INSERT INTO tracking (application, upstream, notification_id) VALUES ('Kennel', 'Shelter', 7)`);
      expect(await (await app.recorder()).hasTracking('Kennel', 'Shelter', 7n)).toBe(true);
    });
  });
});
