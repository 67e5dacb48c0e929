/**
 * The few pieces of Prisma's driver-adapter interface (`SqlDriverAdapter`) the recorders use, and
 * helpers to build parameterised statements for it. The recorders send SQL through the adapter
 * directly: the same layer PrismaClient executes on, without its per-query planning (see
 * docs/persistence.md, "Why the adapter and not $queryRaw").
 */
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { EventforgeError } from '../errors.js';
import { storeFailure } from './store-failures.js';

/** The adapter's connection: `SqlDriverAdapter` of `@prisma/driver-adapter-utils`. */
export type SqlAdapter = SqlDriverAdapter;
/** Something statements run on: the adapter or one of its transactions. */
export type SqlQueryable = Pick<SqlAdapter, 'queryRaw' | 'executeRaw'>;
/** A transaction opened by the adapter (`BEGIN` sent; `COMMIT`/`ROLLBACK` are ours to send). */
export type SqlTransaction = Awaited<ReturnType<SqlAdapter['startTransaction']>>;
export type SqlQuery = Parameters<SqlAdapter['queryRaw']>[0];
export type ArgType = SqlQuery['argTypes'][number];
export type ArgScalar = ArgType['scalarType'];

/** A statement under construction: `?` or `$n` placeholders are chosen by the dialect. */
export class Statement {
  readonly args: unknown[] = [];
  readonly argTypes: ArgType[] = [];
  constructor(private readonly numbered: boolean) {}

  /** Adds a parameter and returns its placeholder. */
  param(value: unknown, scalarType: ArgScalar, arity: 'scalar' | 'list' = 'scalar'): string {
    this.args.push(value);
    this.argTypes.push({ scalarType, arity });
    return this.numbered ? `$${this.args.length}` : '?';
  }

  query(sql: string): SqlQuery {
    return { sql, args: this.args, argTypes: this.argTypes };
  }
}

const none = { args: [], argTypes: [] };

/** A statement without parameters. */
export function plain(sql: string): SqlQuery {
  return { sql, ...none };
}

/** What a driver-adapter error says of the driver's error: its kind, and the driver's code and message. */
export interface AdapterCause {
  readonly kind?: unknown;
  readonly originalCode?: unknown;
  readonly originalMessage?: unknown;
}

/**
 * The adapter's account of a driver error: a `DriverAdapterError`'s own, or for an error of
 * better-sqlite3 used directly (sqlite-direct.ts) the one Prisma's SQLite adapter would give.
 */
export function adapterCause(error: unknown): AdapterCause | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'DriverAdapterError') return (error as Error & { cause?: AdapterCause }).cause;
  const code = (error as { code?: unknown }).code;
  if (error.name !== 'SqliteError' || typeof code !== 'string') return undefined;
  return { kind: sqliteErrorKind(code, error.message), originalCode: code, originalMessage: error.message };
}

/** The kind Prisma's better-sqlite3 adapter names a driver error by (its `mapDriverError`). */
function sqliteErrorKind(code: string, message: string): string {
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return 'UniqueConstraintViolation';
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return 'NullConstraintViolation';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === 'SQLITE_CONSTRAINT_TRIGGER') {
    return 'ForeignKeyConstraintViolation';
  }
  if (code.startsWith('SQLITE_BUSY')) return 'SocketTimeout';
  if (message.startsWith('no such table')) return 'TableDoesNotExist';
  if (message.startsWith('no such column') || message.includes('has no column named ')) return 'ColumnNotFound';
  return 'sqlite';
}

/** The kind of a driver-adapter error (`UniqueConstraintViolation`, ...), when it is one. */
export function adapterErrorKind(error: unknown): string | undefined {
  const kind = adapterCause(error)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

/**
 * A driver-adapter error (whose own message is only its kind, e.g. `TableDoesNotExist`) as an
 * error that says what failed, where, and what to do; a lost connection or a full disk as its
 * retryable typed error (store-failures.ts). Other errors pass through unchanged.
 */
export function explainAdapterError(error: unknown, store: string): unknown {
  const failure = storeFailure(error, store);
  if (failure !== undefined) return failure;
  const cause = adapterCause(error);
  if (cause === undefined && !(error instanceof Error && error.name === 'DriverAdapterError')) return error;
  const kind = String(cause?.kind ?? 'unknown');
  const detail = typeof cause?.originalMessage === 'string' ? cause.originalMessage : kind;
  // A missing column or routine of the store's own SQL: a later migration was not applied.
  const behind = kind === 'ColumnNotFound' || cause?.originalCode === '42883';
  const hint =
    kind === 'TableDoesNotExist'
      ? '; create the tables with `eventforge migrate` (or, on a store eventforge opens itself rather than on your adapter, createTables: true)'
      : behind
        ? '; the database lacks a later migration of the event store: run `eventforge migrate` (or, on a store eventforge opens itself, createTables: true)'
        : kind === 'SocketTimeout'
          ? '; the database stayed locked or unreachable: another process may hold a long transaction' +
            (store.startsWith('SQLite') ? ' (or give the recorder a longer busyTimeoutMs)' : '')
          : '';
  return new EventforgeError(`${store}: ${detail} (${kind})${hint}`, { cause: error });
}

/** Runs `work` in a transaction of `adapter`: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(adapter: SqlAdapter, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const tx = await adapter.startTransaction();
  let result: T;
  try {
    result = await work(tx);
  } catch (error) {
    // The work's error is the one to report, even if the rollback fails too (e.g. a lost connection).
    await tx.executeRaw(plain('ROLLBACK')).catch(() => undefined);
    await tx.rollback().catch(() => undefined);
    throw error;
  }
  try {
    await tx.executeRaw(plain('COMMIT'));
  } catch (error) {
    await tx.rollback();
    throw error;
  }
  await tx.commit();
  return result;
}

/**
 * What the SQLite recorder uses of its connection: the adapter's methods, or its own
 * better-sqlite3 connection's (sqlite-direct.ts). Declared here so that the recorder's public
 * declarations do not import better-sqlite3's types (a consumer need not install them).
 */
export type SqliteConnection = Pick<SqlAdapter, 'queryRaw' | 'executeRaw' | 'executeScript' | 'dispose'>;
