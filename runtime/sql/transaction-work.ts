/**
 * What `Recorder.transaction` does on both databases once its transaction is open: hands the work
 * a `RecorderTransaction` on the transaction's connection, then writes the tracking position and
 * the parked events beside the work's own statements.
 */
import { FencedError } from '../errors.js';
import type { ParkedEvent, RecorderTransaction, SqlValue, Tracking, TransactionOptions } from '../recorder.js';
import { trackingRefusal } from '../tracking-refusal.js';
import { insertTrackingOnce } from './conflicts.js';
import { sqlForgetLedger } from './forget-ledger-sql.js';
import * as q from './dialect.js';
import { type ArgScalar, type SqlQueryable, Statement } from './driver-adapter.js';

/** The work's view of the open transaction; `committed` collects the `onCommit` callbacks. */
export function sqlTransaction(
  on: SqlQueryable,
  provider: 'sqlite' | 'postgresql',
  committed: (() => void)[],
): RecorderTransaction {
  const tx: Omit<RecorderTransaction, 'forgets'> = {
    provider,
    execute: (sql, params = []) => on.executeRaw(statement(sql, params)),
    query: async <Row extends Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []) => {
      const { columnNames, rows } = await on.queryRaw(statement(sql, params));
      return rows.map((row) => {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < columnNames.length; i++) object[columnNames[i]!] = row[i];
        return object as Row;
      });
    },
    onCommit: (fn) => {
      committed.push(fn);
    },
  };
  return { ...tx, forgets: sqlForgetLedger(tx) };
}

/**
 * Writes the options' tracking position and parked events in the open transaction. `lockTracking`
 * makes this the only writer of the (application, upstream) until COMMIT where the database needs
 * it (PostgreSQL; SQLite's `BEGIN IMMEDIATE` holds the whole file).
 */
export async function recordTransactionOptions(
  on: SqlQueryable,
  d: q.Dialect,
  options: TransactionOptions,
  lockTracking: boolean,
): Promise<void> {
  const { tracking, trackingFrom } = options;
  const fenced = tracking?.epoch !== undefined && d.fences !== undefined;
  if (fenced) await checkFence(on, d, d.fences!, tracking!);
  // The fence check took the key's lock, held until COMMIT.
  const lock = lockTracking && !fenced;
  if (tracking !== undefined && trackingFrom === undefined) {
    if (lock) await on.executeRaw(q.lockTracking(d, tracking));
    await insertTrackingOnce(on, d, tracking);
  } else if (tracking !== undefined && trackingFrom !== undefined) {
    await moveTracking(on, d, tracking, trackingFrom, lock);
  }
  for (const parked of options.park ?? []) await on.executeRaw(q.upsertParked(d, parked));
  for (const key of options.unpark ?? []) await on.executeRaw(q.deleteParked(d, key.projection, key.notificationId));
}

/**
 * Moves a position that must stand at `from` to `tracking.notificationId`: one UPDATE, which a
 * concurrent mover of the same row waits for and then finds no longer at `from`.
 */
async function moveTracking(
  on: SqlQueryable,
  d: q.Dialect,
  tracking: Tracking,
  from: bigint,
  lockTracking: boolean,
): Promise<void> {
  if (from === 0n) {
    // No row to lock yet: two first batches must not both insert.
    if (lockTracking) await on.executeRaw(q.lockTracking(d, tracking));
    const last = await maxTracking(on, d, tracking);
    if (last !== 0n || tracking.notificationId <= 0n) throw trackingRefusal(tracking, last, from);
    await insertTrackingOnce(on, d, tracking);
    return;
  }
  const moved = tracking.notificationId > from ? await on.executeRaw(q.moveTracking(d, tracking, from)) : 0;
  if (moved !== 1) throw trackingRefusal(tracking, await maxTracking(on, d, tracking), from);
}

/**
 * Refuses a commit under a lease epoch below the tracking key's fence (a newer owner raised it),
 * under the tracking key's lock, which the raise takes too: the check holds until COMMIT.
 */
async function checkFence(on: SqlQueryable, d: q.Dialect, fences: string, tracking: Tracking): Promise<void> {
  await on.executeRaw(q.lockTracking(d, tracking));
  const st = new Statement(d.numbered);
  const [row] = (
    await on.queryRaw(
      st.query(
        `SELECT epoch FROM ${fences} WHERE application = ${st.param(tracking.application, 'string')} ` +
          `AND upstream = ${st.param(tracking.upstream, 'string')}`,
      ),
    )
  ).rows;
  const fence = row === undefined ? undefined : q.toBigInt(row[0]);
  if (fence !== undefined && fence > tracking.epoch!) {
    throw new FencedError(tracking.application, tracking.upstream, tracking.epoch!, fence);
  }
}

async function maxTracking(on: SqlQueryable, d: q.Dialect, t: Tracking): Promise<bigint> {
  return q.toBigInt((await on.queryRaw(q.selectMaxTrackingId(d, t.application, t.upstream))).rows[0]?.[0]);
}

/** The parked events, of one projection or all. */
export async function readParked(on: SqlQueryable, d: q.Dialect, projection?: string): Promise<ParkedEvent[]> {
  return (await on.queryRaw(q.selectParked(d, projection))).rows.map(q.toParked);
}

function statement(sql: string, params: readonly SqlValue[]) {
  return {
    sql,
    args: [...params],
    argTypes: params.map((p) => ({ scalarType: scalarType(p), arity: 'scalar' as const })),
  };
}

function scalarType(value: SqlValue): ArgScalar {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'bigint';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'datetime';
  if (value instanceof Uint8Array) return 'bytes';
  return 'unknown';
}
