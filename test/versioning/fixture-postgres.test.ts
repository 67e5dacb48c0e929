/**
 * The Bank fixture's stored records (written by releases 1 and 2 on SQLite) moved byte for byte
 * into the real PostgreSQL, then read by the current code there: upcasting does not depend on
 * the store. Skips with a reason without a server, except under CI=true.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountStateCodec, bankDomain } from '../../generated/bank/index.js';
import type { AccountState } from '../../generated/bank/types.js';
import { Application, UnknownSchemaVersionError, type Recorder, type StoredEvent } from '../../runtime/index.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import { accounts, eventCount, expectedState, SNAPSHOT_EVERY } from '../fixtures/versioning/bank-scenario.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { BankAccount } from './support/bank-account.js';

const skip = await postgresSkipReason();
if (skip !== undefined) console.log(`skipping the PostgreSQL fixture test: ${skip}`);

describe.skipIf(skip !== undefined)('the Bank fixture on PostgreSQL', () => {
  const schemas = new SchemaPool('upcast');
  let recorder: Recorder;
  let app: Application;

  beforeAll(async () => {
    // A copy: opening a SQLite file may change its header (journal mode); the kept file stays as made.
    const copy = join(mkdtempSync(join(tmpdir(), 'eventforge-fixture-pg-')), 'bank-releases.sqlite');
    copyFileSync('test/fixtures/versioning/bank-releases.sqlite', copy);
    // The copy is migrated to this runtime's store (the release predates the metadata column the reads select).
    const source = await createSqliteRecorder({ filename: copy });
    recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      const events = await source.readNotifications({ start: 1n, limit: 10_000 });
      expect(events.length).toBe(accounts.reduce((n, a) => n + eventCount(a), 0));
      for (const account of accounts) {
        const stream: StoredEvent[] = events
          .filter((e) => e.streamId === account.id)
          .map(({ streamId, version, topic, schemaVersion, timestamp, state }) => ({
            streamId,
            version,
            topic,
            schemaVersion,
            timestamp,
            state,
          }));
        await recorder.append(stream);
        const snapshot = await source.latestSnapshot(account.id);
        if (snapshot !== undefined) await recorder.saveSnapshot(snapshot);
      }
    } finally {
      await source.close();
      rmSync(dirname(copy), { recursive: true, force: true });
    }
    app = new Application({ name: 'Bank', domains: [bankDomain], recorder });
  });

  afterAll(async () => {
    await app?.close();
    await recorder?.close();
    await schemas.dropAll();
  });

  it('holds the old schema versions, and loads every account with the current code', async () => {
    const stored = await recorder.readNotifications({ start: 1n, limit: 10_000, topics: ['Bank.Account.Deposited'] });
    expect([...new Set(stored.map((e) => e.schemaVersion))].sort()).toEqual([1, 2]);
    for (const account of accounts) {
      const loaded = await app.repository(BankAccount).get(account.id);
      expect(loaded.version).toBe(eventCount(account));
      expect(accountStateCodec.encode(loaded.takeSnapshot().state)).toEqual(
        accountStateCodec.encode(expectedState(account) as AccountState),
      );
      const snapshot = await recorder.latestSnapshot(account.id);
      // Every stream of at least SNAPSHOT_EVERY events got a state-v1 snapshot from release 1 or 2.
      expect(snapshot?.schemaVersion).toBe(eventCount(account) >= SNAPSHOT_EVERY ? 1 : undefined);
    }
  });

  it('refuses an event stored at a version newer than the code', async () => {
    const carol = accounts[2]!;
    const [last] = await recorder.readStream(carol.id, { descending: true, limit: 1 });
    await recorder.append([{ ...last!, version: last!.version + 1, schemaVersion: 7 }]);
    await expect(app.repository(BankAccount).get(carol.id)).rejects.toThrow(UnknownSchemaVersionError);
    await expect(app.repository(BankAccount).get(carol.id)).rejects.toThrow(
      `stream ${carol.id}, version ${last!.version + 1}`,
    );
  });
});
