/**
 * SqlExecutors over the database drivers themselves (better-sqlite3, pg), for running views on a
 * connection of one's own. The drivers are described by the few methods used, so the runtime
 * does not load them.
 */
import type { SqlExecutor } from './definition.js';

/** An executor that can also run work in a transaction of its connection. */
export interface SqlConnection extends SqlExecutor {
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** The part of a better-sqlite3 `Database` used. */
export interface SqliteDatabaseLike {
  prepare(sql: string): {
    readonly reader: boolean;
    run(...params: unknown[]): { changes: number };
    all(...params: unknown[]): unknown[];
    safeIntegers(toggle?: boolean): unknown;
  };
  exec(sql: string): unknown;
}

/** The part of a pg `Client` (one connection) used. */
export interface PostgresClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** A better-sqlite3 database as a SqlConnection (statements prepared once; integers read exactly). */
export function sqliteConnection(db: SqliteDatabaseLike): SqlConnection {
  const statements = new Map<string, ReturnType<SqliteDatabaseLike['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (statement.reader) statement.safeIntegers(true);
      statements.set(sql, statement);
    }
    return statement;
  };
  const executor: SqlExecutor = {
    provider: 'sqlite',
    execute: async (sql, params) => prepared(sql).run(...params).changes,
    query: async (sql, params) => prepared(sql).all(...params) as Record<string, unknown>[],
  };
  return {
    ...executor,
    async transaction(work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(executor);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
  };
}

/** A pg client (not a pool: a transaction needs one connection) as a SqlConnection. */
export function postgresConnection(client: PostgresClientLike): SqlConnection {
  const executor: SqlExecutor = {
    provider: 'postgresql',
    execute: async (sql, params) => (await client.query(sql, [...params])).rowCount ?? 0,
    query: async (sql, params) => (await client.query(sql, [...params])).rows as Record<string, unknown>[],
  };
  return {
    ...executor,
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}
