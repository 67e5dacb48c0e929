/**
 * The Bank example's keyed apply operations (LimitSet upserts into `limits: map<decimal>`,
 * LimitRemoved removes by key) through the real runtime: saved to a SQLite file, loaded back by
 * replaying the events, and from a snapshot taken in between (a real SQLite file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { bankDomain } from '../../generated/bank/index.js';
import { Application, generateCipherKey } from '../../runtime/index.js';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { BankAccount } from './support/bank-account.js';

const work = mkdtempSync(join(tmpdir(), 'eventforge-bank-limits-'));
/** Owners and emails are personal data: stored encrypted, as a deployment does. */
const env = { EVENTFORGE_MASTER_KEY: generateCipherKey() };
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function openApp(file: string): Promise<{ app: Application; close: () => Promise<void> }> {
  const recorder = await createSqliteRecorder({ filename: file });
  const app = new Application({ name: 'Bank', domains: [bankDomain], recorder, env });
  return {
    app,
    close: async () => {
      await app.close();
      await recorder.close();
    },
  };
}

const limitsOf = (account: BankAccount): Record<string, string> =>
  Object.fromEntries(Object.entries(account.limits).map(([k, v]) => [k, v.toFixed()]));

describe('Bank limits: upsert and removeAt by key, stored and loaded', () => {
  it('replays to the same limits from the events alone and from a snapshot', async () => {
    const file = join(work, 'bank.sqlite');
    const first = await openApp(file);
    const account = BankAccount.create<BankAccount>({
      owner: 'Ada',
      email: 'ada@example.com',
      currency: 'EUR',
      openedOn: '2026-01-02',
    });
    account.setLimit('daily', new Decimal('100.00'));
    account.setLimit('weekly', new Decimal('500'));
    await first.app.save(account);
    await first.app.takeSnapshot(BankAccount, account.id);
    account.setLimit('daily', new Decimal('150.000000000000000000000001'));
    account.setLimit('monthly', new Decimal('2000'));
    account.removeLimit('weekly');
    account.removeLimit('yearly');
    await first.app.save(account);
    await first.close();
    expect(limitsOf(account)).toEqual({ daily: '150.000000000000000000000001', monthly: '2000' });

    const snapshots = (): unknown[] => {
      const db = new Database(file);
      const rows = db.prepare('SELECT version FROM snapshots').all();
      db.close();
      return rows;
    };
    expect(snapshots()).toEqual([{ version: 3 }]);
    const second = await openApp(file);
    const fromSnapshot = await second.app.repository(BankAccount).get(account.id);
    await second.close();
    expect(fromSnapshot.version).toBe(7);
    expect(limitsOf(fromSnapshot)).toEqual(limitsOf(account));

    const db = new Database(file);
    db.prepare('DELETE FROM snapshots').run();
    db.close();
    expect(snapshots()).toEqual([]);
    const third = await openApp(file);
    const fromEvents = await third.app.repository(BankAccount).get(account.id);
    await third.close();
    expect(limitsOf(fromEvents)).toEqual(limitsOf(account));
  });
});
