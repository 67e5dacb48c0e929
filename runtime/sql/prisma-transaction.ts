/**
 * Statements on a transaction the caller opened with Prisma (`prisma.$transaction(async (tx) => …)`).
 * The raw-SQL methods of `tx` are the only public road onto that transaction's connection, so the
 * recorders' statements are sent through them (docs/prisma.md).
 */
import { EventforgeError } from '../errors.js';
import type { PrismaTransactionClient } from '../recorder.js';
import type { SqlQuery, SqlQueryable } from './driver-adapter.js';

/** Integers Prisma would send as a double: above this, a bigint (SQLite would store 1.7e12 as REAL otherwise). */
const INT32 = 2 ** 31;

/** The caller's transaction as the queryable the recorders' helpers run on; rows in column order. */
export function prismaQueryable(tx: PrismaTransactionClient, store: string): SqlQueryable {
  const values = (query: SqlQuery): unknown[] =>
    query.args.map((a) => (typeof a === 'number' && Number.isInteger(a) && Math.abs(a) >= INT32 ? BigInt(a) : a));
  return {
    queryRaw: async (query) => {
      const objects = await explained(
        tx.$queryRawUnsafe<Record<string, unknown>[]>(query.sql, ...values(query)),
        store,
      );
      return {
        columnNames: objects.length === 0 ? [] : Object.keys(objects[0]!),
        columnTypes: [],
        rows: objects.map((o) => Object.values(o)),
      };
    },
    executeRaw: (query) => explained(tx.$executeRawUnsafe(query.sql, ...values(query)), store),
  };
}

/** Runs one statement with no result on the caller's transaction. */
export function executeOn(tx: PrismaTransactionClient, sql: string, store: string): Promise<number> {
  return explained(tx.$executeRawUnsafe(sql), store);
}

/**
 * Prisma reports a failed raw statement as `Raw query failed. Code: … Message: …`; a missing
 * table or routine of the store means its migrations were not applied to this database.
 */
async function explained<T>(result: PromiseLike<T>, store: string): Promise<T> {
  try {
    return await result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (
      /no such table|does not exist/.test(message) &&
      /eventforge|events|tracking|snapshots|data_keys/.test(message)
    ) {
      throw new EventforgeError(
        `${store}, in your Prisma transaction: ${message.trim().split('\n').pop()}; the event store's tables or a later ` +
          'migration of them are missing from this database: apply them (`eventforge migrate`, or with your ' +
          'Prisma migrations when the store migrations are in prisma/migrations)',
        { cause: error },
      );
    }
    throw error;
  }
}
