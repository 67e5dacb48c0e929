/**
 * Shared by the PostgreSQL test files: each file gets fresh schemas and drops them afterwards.
 * Without a reachable server the suites skip with one line, except under CI=true, where they
 * run (and fail loudly).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Recorder } from '../../runtime/recorder.js';
import { createPostgresRecorder } from '../../runtime/sql/index.js';

/** The server the tests use. @default 'postgresql://postgres@127.0.0.1:5432/test' */
export const TEST_DATABASE_URL =
  process.env.EVENTFORGE_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Why the PostgreSQL suites skip, or undefined when they run. */
export async function postgresSkipReason(): Promise<string | undefined> {
  if (process.env.CI === 'true') return undefined;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL at ${TEST_DATABASE_URL} (${(error as Error).message}); set EVENTFORGE_TEST_DATABASE_URL or CI=true`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Hands out fresh schema names and drops every schema it handed out. */
export class SchemaPool {
  readonly #created: string[] = [];
  constructor(private readonly prefix: string) {}

  /** A new schema name, unique to this run. */
  next(): string {
    const name = `ef_${this.prefix}_${randomBytes(5).toString('hex')}`;
    this.#created.push(name);
    return name;
  }

  async dropAll(): Promise<void> {
    if (this.#created.length === 0) return;
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    try {
      for (const name of this.#created.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Opens a recorder on a fresh schema of `schemas`, its ids starting at `firstNotificationId`
 * when given (the conformance suites' store factory).
 */
export async function openConformanceStore(
  schemas: SchemaPool,
  options: { readonly firstNotificationId?: bigint } = {},
): Promise<Recorder> {
  const schema = schemas.next();
  const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema });
  if (options.firstNotificationId !== undefined) {
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    try {
      await client.query(`ALTER SEQUENCE "${schema}"."events_id_seq" RESTART WITH ${options.firstNotificationId}`);
    } finally {
      await client.end();
    }
  }
  return recorder;
}
