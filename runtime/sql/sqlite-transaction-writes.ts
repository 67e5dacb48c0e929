/**
 * A save on SQLite inside the caller's Prisma transaction: the same rows as the recorder's append,
 * sent through the transaction's raw-SQL methods, in one statement or inside a savepoint, so that
 * a refusal stores none of the save's rows and leaves the caller's transaction as it was.
 */
import { DataKeyConflictError } from '../errors.js';
import type { AppendOptions, PrismaTransactionClient, StoredEvent, TransactionWrites } from '../recorder.js';
import { insertTrackingOnce } from './conflicts.js';
import * as keySql from './data-key-sql.js';
import * as q from './dialect.js';
import { adapterErrorKind } from './driver-adapter.js';
import { executeOn, prismaQueryable } from './prisma-transaction.js';
import { refusal } from './refusal.js';
import { DATA_KEYS, sqliteDialect } from './sqlite-recorder.js';

const SAVEPOINT = 'eventforge_append';

/** The ids of inserted rows (one column, as text), ascending. */
function sortedIds(rows: readonly (readonly unknown[])[]): bigint[] {
  return rows.map((r) => q.toBigInt(r[0])).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** Prisma's error for a raw statement that broke a unique index (the driver adapter's kind, in `meta`). */
function isUniqueViolation(error: unknown): boolean {
  const meta = (error as { meta?: { driverAdapterError?: unknown } } | undefined)?.meta;
  return adapterErrorKind(meta?.driverAdapterError ?? error) === 'UniqueConstraintViolation';
}

/** The writes of saves on `tx`; `where` names the store in errors. */
export function sqliteTransactionWrites(tx: PrismaTransactionClient, where: string): TransactionWrites {
  const on = prismaQueryable(tx, where);
  return {
    async append(events: readonly StoredEvent[], options: AppendOptions = {}): Promise<bigint[]> {
      const { tracking, dataKeys = [] } = options;
      if (events.length === 0 && tracking === undefined) return [];
      // One statement is atomic on its own: a taken (stream, version) fails all of it and leaves the
      // transaction as it was, so the common save needs no savepoint (two round trips fewer).
      if (tracking === undefined && dataKeys.length === 0 && events.length <= q.ROWS_PER_INSERT) {
        try {
          const query = q.insertEvents(sqliteDialect, events, 'fail', true);
          return sortedIds((await on.queryRaw(query)).rows);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw await refusal(events, async (query) => (await on.queryRaw(query)).rows, sqliteDialect);
        }
      }
      await executeOn(tx, `SAVEPOINT ${SAVEPOINT}`, where);
      let ids: bigint[];
      try {
        ids = await insertAll(events);
      } catch (error) {
        await undo().catch(() => undefined);
        throw error;
      }
      if (ids.length < events.length) {
        // Read after undoing this save's rows, so that they do not count as taken.
        await undo();
        throw await refusal(events, async (query) => (await on.queryRaw(query)).rows, sqliteDialect);
      }
      try {
        if (dataKeys.length > 0) {
          const stored = new Set(
            (await on.queryRaw(keySql.insertDataKeys(false, DATA_KEYS, dataKeys))).rows.map((r) => r[0]),
          );
          const taken = dataKeys.filter((k) => !stored.has(k.subject)).map((k) => k.subject);
          if (taken.length > 0) throw new DataKeyConflictError(taken);
        }
        if (tracking !== undefined) await insertTrackingOnce(on, sqliteDialect, tracking, true);
      } catch (error) {
        await undo().catch(() => undefined);
        throw error;
      }
      await executeOn(tx, `RELEASE ${SAVEPOINT}`, where);
      return ids;
    },
    async saveSnapshot(snapshot) {
      await on.executeRaw(q.insertSnapshot(sqliteDialect, snapshot));
    },
    async readDataKeys(subjects) {
      if (subjects.length === 0) return [];
      return (await on.queryRaw(keySql.selectDataKeys(false, DATA_KEYS, subjects))).rows.map(keySql.toDataKey);
    },
  };

  /** Inserts in statements of at most ROWS_PER_INSERT rows; a taken (stream, version) is skipped, so fewer ids come back. */
  async function insertAll(events: readonly StoredEvent[]): Promise<bigint[]> {
    const rows: unknown[][] = [];
    for (let i = 0; i < events.length; i += q.ROWS_PER_INSERT) {
      const query = q.insertEvents(sqliteDialect, events.slice(i, i + q.ROWS_PER_INSERT), 'skip', true);
      rows.push(...(await on.queryRaw(query)).rows);
    }
    return sortedIds(rows);
  }

  async function undo(): Promise<void> {
    await executeOn(tx, `ROLLBACK TO ${SAVEPOINT}`, where);
    await executeOn(tx, `RELEASE ${SAVEPOINT}`, where);
  }
}
