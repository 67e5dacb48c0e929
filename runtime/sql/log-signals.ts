/**
 * Wake-ups at the head of the log on the databases (see ../log-signal.ts): SQLite polls its cheap
 * change counter for commits of other processes; PostgreSQL listens for the appends' NOTIFY.
 */
import type pg from 'pg';
import { every, inProcessSignal, WakeCounter, type LogSignal } from '../log-signal.js';
import { loadBetterSqlite3, loadPg } from './drivers.js';

/** The channel every append's NOTIFY goes to; the payload is the store's schema. */
export const LOG_CHANNEL = 'eventforge_log';

/**
 * Woken by this process's appends to the file at once, and by other processes' within
 * `pollIntervalMs`: `PRAGMA data_version` on a connection of its own changes whenever another
 * connection committed, and costs no read of any table.
 */
export async function sqliteLogSignal(path: string, pollIntervalMs: number): Promise<LogSignal> {
  if (path === ':memory:') return inProcessSignal(path);
  // better-sqlite3 itself: a store that opened its file never loads Prisma's adapter.
  const connection = new (await loadBetterSqlite3())(path, { readonly: true, fileMustExist: true });
  const dataVersion = async () => connection.pragma('data_version', { simple: true });
  let last = await dataVersion();
  let stop = () => undefined as void;
  const signal = inProcessSignal(path, async () => {
    stop();
    connection.close();
  });
  stop = every(pollIntervalMs, async () => {
    const now = await dataVersion();
    if (now !== last) {
      last = now;
      signal.wake();
    }
  });
  return signal;
}

/** What this process's appends to one PostgreSQL schema announce themselves under (`announceAppend`). */
export function postgresStoreKey(config: pg.ClientConfig, schema: string): string {
  const server =
    config.connectionString ??
    `${config.user ?? ''}@${config.host ?? ''}:${config.port ?? ''}/${config.database ?? ''}`;
  return `postgresql ${server} ${schema}`;
}

/**
 * Woken by this process's appends to the schema at once (when they return, without waiting for
 * their notification to come back through the server), by `NOTIFY eventforge_log` of every
 * process's (on a connection of its own, kept open: reconnected a second after it drops), and
 * every `pollIntervalMs` in any case, so a lost notification or connection delays a reader but
 * never strands it.
 */
export async function postgresLogSignal(
  config: pg.ClientConfig,
  schema: string,
  pollIntervalMs: number,
): Promise<LogSignal> {
  const { Client } = await loadPg();
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let stopPolling = () => undefined as void;
  const signal: WakeCounter = inProcessSignal(postgresStoreKey(config, schema), async () => {
    stopPolling();
    clearTimeout(reconnect);
    await client?.end().catch(() => undefined);
  });
  const connect = async (): Promise<void> => {
    const c = new Client(config);
    c.on('notification', (message) => {
      if (message.channel === LOG_CHANNEL && message.payload === schema) signal.wake();
    });
    c.on('error', () => dropped(c));
    c.on('end', () => dropped(c));
    await c.connect();
    await c.query(`LISTEN ${LOG_CHANNEL}`);
    if (signal.closed) {
      await c.end();
      return;
    }
    client = c;
    // Appends while no connection listened are found by this read.
    signal.wake();
  };
  const dropped = (c: pg.Client) => {
    if (client !== c || signal.closed) return;
    client = undefined;
    void c.end().catch(() => undefined);
    scheduleReconnect();
  };
  const scheduleReconnect = () => {
    reconnect = setTimeout(() => void connect().catch(scheduleReconnect), 1000);
    reconnect.unref();
  };
  await connect();
  stopPolling = every(pollIntervalMs, () => signal.wake());
  return signal;
}
