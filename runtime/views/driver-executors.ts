/**
 * SqlExecutors over the database drivers themselves (better-sqlite3, pg), for reading (or
 * writing) views on a connection of one's own, outside the projection runner. The drivers are described by the few methods used, so the runtime
 * does not load them.
 */
import type { SqlExecutor } from './definition.js';

/** The part of a better-sqlite3 `Database` used. */
export interface SqliteDatabaseLike {
  prepare(sql: string): {
    readonly reader: boolean;
    run(...params: unknown[]): { changes: number };
    all(...params: unknown[]): unknown[];
    safeIntegers(toggle?: boolean): unknown;
  };
}

/** The part of a pg `Client` (one connection) used. */
export interface PostgresClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** A better-sqlite3 database as a SqlExecutor (statements prepared once; integers read exactly). */
export function sqliteConnection(db: SqliteDatabaseLike): SqlExecutor {
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
  return {
    provider: 'sqlite',
    execute: async (sql, params = []) => prepared(sql).run(...params).changes,
    query: async (sql, params = []) => prepared(sql).all(...params) as Record<string, unknown>[],
  };
}

/** A pg client or pool as a SqlExecutor. */
export function postgresConnection(client: PostgresClientLike): SqlExecutor {
  return {
    provider: 'postgresql',
    execute: async (sql, params = []) => (await client.query(sql, [...params])).rowCount ?? 0,
    query: async (sql, params = []) => (await client.query(sql, [...params])).rows as Record<string, unknown>[],
  };
}
