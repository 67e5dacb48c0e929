/**
 * How the SQLite recorder uses its adapter connection for one operation. On a connection of its
 * own, statements go straight to it and a write transaction is `BEGIN IMMEDIATE`. On a connection
 * shared with PrismaClient, a Prisma transaction may be open on it at any time, so every operation
 * runs in a transaction of the adapter's (which waits for Prisma's to end) and the recorder's own
 * transactions become savepoints inside it.
 */
import { inTransaction, plain, type SqlAdapter, type SqlQueryable } from './driver-adapter.js';
import type { SqliteConnection } from './driver-adapter.js';

/** The connection for one operation of the recorder. */
export interface SqliteSession extends SqlQueryable {
  /** Starts an all-or-nothing unit that writes. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Undoes the unit; never throws (SQLite may have ended it already, e.g. on a full disk). */
  rollback(): Promise<void>;
  /** A statement without parameters or results (a PRAGMA). */
  script(sql: string): Promise<void>;
}

/** Runs operations on the adapter: see the module comment. */
export type SqliteSessions = <T>(work: (session: SqliteSession) => Promise<T>) => Promise<T>;

/** The recorder's own connection (sqlite-direct.ts). */
export function ownConnection(adapter: SqliteConnection): SqliteSessions {
  const session: SqliteSession = {
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    begin: () => adapter.executeScript('BEGIN IMMEDIATE'),
    commit: () => adapter.executeScript('COMMIT'),
    rollback: () => adapter.executeScript('ROLLBACK').catch(() => undefined),
    script: (sql) => adapter.executeScript(sql),
  };
  return (work) => work(session);
}

const SAVEPOINT = 'eventforge_unit';

/** A connection PrismaClient uses too: each operation in an adapter transaction, units as savepoints. */
export function sharedConnection(adapter: SqlAdapter): SqliteSessions {
  return (work) =>
    inTransaction(adapter, (tx) =>
      work({
        queryRaw: (query) => tx.queryRaw(query),
        executeRaw: (query) => tx.executeRaw(query),
        begin: async () => {
          await tx.executeRaw(plain(`SAVEPOINT ${SAVEPOINT}`));
        },
        commit: async () => {
          await tx.executeRaw(plain(`RELEASE ${SAVEPOINT}`));
        },
        rollback: async () => {
          await tx.executeRaw(plain(`ROLLBACK TO ${SAVEPOINT}`)).catch(() => undefined);
          await tx.executeRaw(plain(`RELEASE ${SAVEPOINT}`)).catch(() => undefined);
        },
        script: async (sql) => {
          await tx.queryRaw(plain(sql)); // PRAGMAs may answer with a row, which executeRaw refuses
        },
      }),
    );
}
