/**
 * Direct SQL on a store's tables, for tests that play an attacker (or an operator) with write
 * access to the database: a fresh SQLite file or PostgreSQL schema, and its `DATABASE_URL`.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

export type SqlValue = string | number | bigint | Uint8Array | null;

/** SQL with `?` placeholders on one store; rows come back with plain column names. */
export interface StoredRows {
  readonly url: string;
  /** SQL for the `timestamp` column one second later (the stores keep timestamps differently). */
  readonly oneSecondLater: string;
  query(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  close(): Promise<void>;
}

/** A SQLite file in `dir`; the tables exist once an application or recorder has opened it. */
export function sqliteRows(dir: string, name: string): StoredRows {
  const file = join(dir, `${name}.sqlite`);
  let db: Database.Database | undefined;
  const open = () => (db ??= new Database(file, { timeout: 5000 }));
  return {
    url: `file:${file}`,
    oneSecondLater: 'timestamp + 1000',
    query: async (sql, params = []) =>
      open()
        .prepare(sql)
        .all(...params) as Record<string, unknown>[],
    run: async (sql, params = []) =>
      open()
        .prepare(sql)
        .run(...params).changes,
    close: async () => {
      db?.close();
    },
  };
}

/** A fresh PostgreSQL schema from `schemas`; `?` placeholders become `$n`. */
export function postgresRows(schemas: SchemaPool): StoredRows {
  const schema = schemas.next();
  let client: Promise<pg.Client> | undefined;
  const open = () =>
    (client ??= (async () => {
      const c = new pg.Client(TEST_DATABASE_URL);
      await c.connect();
      await c.query(`SET search_path TO "${schema}"`);
      return c;
    })());
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    url: `${TEST_DATABASE_URL}?schema=${schema}`,
    oneSecondLater: "timestamp + interval '1 second'",
    query: async (sql, params = []) =>
      (await (await open()).query(numbered(sql), [...params])).rows as Record<string, unknown>[],
    run: async (sql, params = []) => (await (await open()).query(numbered(sql), [...params])).rowCount ?? 0,
    close: async () => {
      if (client !== undefined) await (await client).end();
    },
  };
}
