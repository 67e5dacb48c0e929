/**
 * Items 4 and 5 end to end: the SQLite database that the Bank domain's earlier releases wrote
 * (test/fixtures/versioning/bank-releases.sqlite, made by make-fixture.ts) is read by the
 * current generated code, the runtime's Application and the SQLite recorder. Every aggregate
 * loads, including from state-v1 snapshots; events of every stored version decode as the
 * current one; data the code cannot know is refused with typed errors.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { accountStateCodec, bankDomain, depositedCodec } from '../../generated/bank/index.js';
import type { AccountState, Deposited } from '../../generated/bank/types.js';
import { Application, UnknownSchemaVersionError, UnknownTopicError, type Recorder } from '../../runtime/index.js';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { depositTransactionId } from '../../schemas/bank.upcasters.js';
import {
  accounts,
  eventCount,
  expectedState,
  SNAPSHOT_EVERY,
  type ScenarioAccount,
} from '../fixtures/versioning/bank-scenario.js';
import { rejection } from '../runtime/fixtures/rejection.js';
import { BankAccount } from './support/bank-account.js';

const FIXTURE = 'test/fixtures/versioning/bank-releases.sqlite';
const work = mkdtempSync(join(tmpdir(), 'eventforge-fixture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const open: { app: Application; recorder: Recorder }[] = [];
afterEach(async () => {
  for (const { app, recorder } of open.splice(0)) {
    await app.close();
    await recorder.close();
  }
});

let copies = 0;
/** A private copy of the fixture (reading never changes the kept file), optionally edited with SQL first. */
async function openCopy(
  sql?: (db: Database.Database) => void,
): Promise<{ app: Application; recorder: Recorder; file: string }> {
  const file = join(work, `copy-${++copies}.sqlite`);
  copyFileSync(FIXTURE, file);
  if (sql !== undefined) {
    const db = new Database(file);
    sql(db);
    db.close();
  }
  const recorder = await createSqliteRecorder({ filename: file });
  const app = new Application({ name: 'Bank', domains: [bankDomain], recorder });
  open.push({ app, recorder });
  return { app, recorder, file };
}

/** The state in its wire form, so Decimal values compare by value. */
function wire(state: AccountState): unknown {
  return accountStateCodec.encode(state);
}

/** Every command was saved on its own, so a stream of at least SNAPSHOT_EVERY events got a snapshot at that version. */
const snapshotted = accounts.filter((a) => eventCount(a) >= SNAPSHOT_EVERY);
const byId = (id: string): ScenarioAccount => accounts.find((a) => a.id === id)!;

describe('the Bank fixture written by releases 1 and 2', () => {
  it('holds what the test relies on: Deposited v1 and v2 events, state v1 snapshots', () => {
    const db = new Database(FIXTURE, { readonly: true });
    const versions = db
      .prepare("SELECT DISTINCT schema_version AS v FROM events WHERE topic = 'Bank.Account.Deposited' ORDER BY v")
      .all();
    const snapshots = db
      .prepare('SELECT stream_id AS id, version, schema_version AS v FROM snapshots ORDER BY stream_id')
      .all();
    db.close();
    expect(versions).toEqual([{ v: 1 }, { v: 2 }]);
    expect(snapshots).toEqual(snapshotted.map((a) => ({ id: a.id, version: SNAPSHOT_EVERY, v: 1 })));
  });

  it.each(accounts.map((a) => [a.owner, a] as const))('loads %s with the current code', async (_, account) => {
    const { app } = await openCopy();
    const loaded = await app.repository(BankAccount).get(account.id);
    expect(loaded.version).toBe(eventCount(account));
    expect(wire(loaded.takeSnapshot().state)).toEqual(wire(expectedState(account) as AccountState));
    expect(loaded.status).toBe('open');
    expect(loaded.address).toBeUndefined();
  });

  it('loads from the old snapshots: with the events they cover deleted, the state is the same', async () => {
    const { app } = await openCopy((db) => {
      const del = db.prepare('DELETE FROM events WHERE stream_id = ? AND version <= ?');
      for (const a of snapshotted) expect(del.run(a.id, SNAPSHOT_EVERY).changes).toBe(SNAPSHOT_EVERY);
    });
    for (const account of snapshotted) {
      const loaded = await app.repository(BankAccount).get(account.id);
      expect(loaded.version).toBe(eventCount(account));
      expect(wire(loaded.takeSnapshot().state)).toEqual(wire(expectedState(account) as AccountState));
    }
  });

  it('replays every stream without snapshots to the same state (snapshot upcast = event upcast)', async () => {
    const { app } = await openCopy((db) => db.exec('DELETE FROM snapshots'));
    for (const account of accounts) {
      const loaded = await app.repository(BankAccount).get(account.id);
      expect(wire(loaded.takeSnapshot().state)).toEqual(wire(expectedState(account) as AccountState));
    }
  });

  it('reads every stored Deposited, v1 and v2, as v3 through the notification log', async () => {
    const { app } = await openCopy();
    const deposits: Deposited[] = [];
    for await (const logged of app.log.readAll(1n, 500, ['Bank.Account.Deposited']))
      deposits.push(logged.event as Deposited);
    const expected = accounts.flatMap((a) =>
      [...a.release1, ...a.release2].flatMap((s) => ('deposit' in s ? [{ id: a.id, ...s.deposit }] : [])),
    );
    expect(deposits.map((d) => d.originatorId).sort()).toEqual(expected.map((d) => d.id).sort());
    for (const d of expected) {
      const event = deposits.find((e) => e.originatorId === d.id && e.data.amount.equals(new Decimal(d.amount)));
      expect(event, `deposit ${d.amount} of ${d.id}`).toBeDefined();
      const reference = d.reference ?? '';
      expect(event!.data.reference).toBe(reference);
      expect(event!.data.transactionId).toBe(
        depositTransactionId({
          amount: new Decimal(d.amount),
          reference,
          ...(d.note === undefined ? {} : { note: d.note }),
        }),
      );
      expect('occurredAt' in event!.data).toBe(false);
    }
  });

  it('appends current-version events after old ones and reads the mix back', async () => {
    const { app, recorder } = await openCopy();
    const alice = await app.repository(BankAccount).get(accounts[0]!.id);
    alice.deposit({ amount: new Decimal('1.00'), transactionId: '0b8f5d1e-4a0b-4c4e-9a43-0d7b5e2f6a10' });
    await app.save(alice);
    const stored = await recorder.readStream(alice.id);
    expect(stored.map((e) => e.schemaVersion)).toEqual([1, 1, 1, 1, 2, 3]);
    const reloaded = await app.repository(BankAccount).get(alice.id);
    expect(reloaded.balance.equals(expectedState(byId(alice.id)).balance.plus(1))).toBe(true);
  });
});

describe('refusing the unknown, end to end (item 5)', () => {
  const alice = accounts[0]!;

  it('an event stored at a schema version newer than the code: UnknownSchemaVersionError naming stream, version and topic', async () => {
    const { app } = await openCopy((db) =>
      db.prepare('UPDATE events SET schema_version = 4 WHERE stream_id = ? AND version = 5').run(alice.id),
    );
    const error = await rejection(app.repository(BankAccount).get(alice.id));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    const e = error as UnknownSchemaVersionError;
    expect([e.topic, e.schemaVersion, e.knownVersion, e.streamId, e.streamVersion]).toEqual([
      'Bank.Account.Deposited',
      4,
      3,
      alice.id,
      5,
    ]);
    expect(e.message).toContain(`stream ${alice.id}, version 5`);
  });

  it('a snapshot stored at a state version newer than the code: UnknownSchemaVersionError', async () => {
    const { app } = await openCopy((db) =>
      db.prepare('UPDATE snapshots SET schema_version = 3 WHERE stream_id = ?').run(alice.id),
    );
    const error = await rejection(app.repository(BankAccount).get(alice.id));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    const e = error as UnknownSchemaVersionError;
    expect([e.topic, e.schemaVersion, e.knownVersion, e.streamId, e.streamVersion]).toEqual([
      'Bank.Account',
      3,
      2,
      alice.id,
      3,
    ]);
  });

  it('an event whose topic no domain declares: UnknownTopicError naming stream and version', async () => {
    const { app } = await openCopy((db) =>
      db.prepare("UPDATE events SET topic = 'Bank.Account.Exploded' WHERE stream_id = ? AND version = 5").run(alice.id),
    );
    const error = await rejection(app.repository(BankAccount).get(alice.id));
    expect(error).toBeInstanceOf(UnknownTopicError);
    const e = error as UnknownTopicError;
    expect([e.topic, e.streamId, e.streamVersion]).toEqual(['Bank.Account.Exploded', alice.id, 5]);
  });

  it('the notification log refuses the unknown too, rather than skipping it', async () => {
    const { app } = await openCopy((db) =>
      db.prepare("UPDATE events SET schema_version = 9 WHERE topic = 'Bank.Account.Tagged'").run(),
    );
    await expect(app.log.select(1n, 100)).rejects.toBeInstanceOf(UnknownSchemaVersionError);
  });

  it('decodes nothing silently: a codec given version 4 throws before reading the payload', () => {
    expect(() => depositedCodec.decode({}, 4)).toThrow(UnknownSchemaVersionError);
  });
});
