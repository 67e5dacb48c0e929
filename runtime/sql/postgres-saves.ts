/**
 * The PostgreSQL recorder's saves: one autocommit `SELECT … FROM eventforge_save(…)` per save,
 * a named statement on the adapter's own node-postgres pool (parsed once per connection, its
 * arguments sent as the driver sends them, without the adapter's conversions), and the log's
 * NOTIFY after the commit, from this process, coalesced (docs/persistence.md, "Gap safety").
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DataKeyConflictError, EventforgeError } from '../errors.js';
import type { AppendOptions, StoredEvent } from '../recorder.js';
import { LOG_CHANNEL } from './log-signals.js';
import * as log from './postgres-log.js';
import { positionKey } from './conflicts.js';
import { refusal } from './refusal.js';
import * as q from './dialect.js';
import { storeFailure } from './store-failures.js';
import type { SqlQuery } from './driver-adapter.js';

/** What `eventforge_save` raises for a refusal met while writing (the statement then rolled back). */
const KEY_TAKEN = 'EF410';
/** A position taken under the insert: DETAIL holds the answer as JSON (`{taken, streams, heads}`). */
const POSITION_TAKEN = 'EF409';

/** A PostgreSQL error as node-postgres throws it. */
interface PgError extends Error {
  readonly code?: string;
  readonly detail?: string;
}

/** Whether two events of `events` claim the same stream position. */
function hasRepeatedPosition(events: readonly StoredEvent[]): boolean {
  const seen = new Set<string>();
  for (const e of events) {
    const key = positionKey(e.streamId, e.version);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The conflict answer carried by EF409's DETAIL. */
function takenAnswer(detail: string | undefined): log.AppendOutcome {
  const { taken, streams, heads } = JSON.parse(detail ?? '{}') as {
    taken: number[];
    streams: string[];
    heads: number[];
  };
  return log.appendOutcome([null, 'conflict', taken, streams, heads, null, null, null]);
}

/** Pooled clients given the error listener (pg-pool reuses the same client objects). */
const listened = new WeakSet<pg.PoolClient>();

export class PostgresSaves {
  /**
   * Statement names by SQL text (one text per schema): named by a hash of the text, so that
   * recorders of other schemas on one pool (createPostgresRecorderOnAdapter) never reuse a name.
   */
  readonly #names = new Map<string, string>();
  readonly #notify: CommitNotifier;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly dialect: q.Dialect,
    /** For error messages: `PostgreSQL schema "x"`. */
    private readonly where: string,
  ) {
    this.#notify = new CommitNotifier(async () => {
      // It stores nothing, so it need not wait for its commit record to reach the disk.
      await pool.query({
        name: 'eventforge_notify',
        text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${LOG_CHANNEL}', $1)`,
        values: [schema],
      });
    });
  }

  /** The answer of one save: stored, or a refusal (thrown for those met while writing). */
  async save(
    events: readonly StoredEvent[],
    tracking: AppendOptions['tracking'],
    dataKeys: AppendOptions['dataKeys'],
  ): Promise<log.AppendOutcome> {
    // Two events of the batch at one position: a conflict, answered (as every store does) before
    // the tracking check that eventforge_save makes before its insert would meet it.
    if (hasRepeatedPosition(events)) throw await refusal(events, (query) => this.#rows(query), this.dialect);
    let row: unknown[];
    try {
      row = (await this.#rows(log.selectSave(this.schema, events, tracking, dataKeys)))[0]!;
    } catch (error) {
      const code = (error as PgError).code;
      if (code === KEY_TAKEN) throw new DataKeyConflictError(JSON.parse((error as PgError).detail ?? '[]'));
      if (code === POSITION_TAKEN) return takenAnswer((error as PgError).detail);
      throw this.#explain(error);
    }
    const outcome = log.appendOutcome(row);
    if (outcome.outcome === 'stored' && events.length > 0) this.#notify.committed();
    return outcome;
  }

  /** Resolves when no notification is left to send (before the pool ends). */
  settled(): Promise<void> {
    return this.#notify.settled();
  }

  async #rows(query: SqlQuery): Promise<unknown[][]> {
    let name = this.#names.get(query.sql);
    if (name === undefined && this.#names.size < 20) {
      name = `eventforge_save_${createHash('sha256').update(query.sql).digest('hex').slice(0, 32)}`;
      this.#names.set(query.sql, name);
    }
    // Checked out by hand: pool.query would close the connection on any error, a refusal raised
    // by the function included, when only a lost connection makes it unusable.
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: an error the server sends when no query is
    // active (it ends the session: a restart, pg_terminate_backend) would be an uncaught
    // exception. The query in flight is refused on its own; the listener keeps the process up.
    if (!listened.has(client)) {
      listened.add(client);
      client.on('error', () => undefined);
    }
    let lost: Error | undefined;
    try {
      const result = await client.query<unknown[]>({
        ...(name === undefined ? {} : { name }),
        text: query.sql,
        values: query.args,
        rowMode: 'array',
      });
      return result.rows;
    } catch (error) {
      if (!(error instanceof Error) || typeof (error as PgError).code !== 'string' || storeFailure(error, '')) {
        lost = error instanceof Error ? error : new Error(String(error));
      }
      throw error;
    } finally {
      client.release(lost);
    }
  }

  /** A driver error as the typed store failure, or with where it happened and what to do. */
  #explain(error: unknown): unknown {
    const failure = storeFailure(error, this.where);
    if (failure !== undefined || !(error instanceof Error)) return failure ?? error;
    const code = (error as PgError).code;
    // 42883: the routine is missing (a later migration not applied); 42P01/3F000: no tables or schema.
    const hint =
      code === '42883'
        ? '; the database lacks a later migration of the event store: run `eventforge migrate` (or, on a store eventforge opens itself, createTables: true)'
        : code === '42P01' || code === '3F000'
          ? '; create the tables with `eventforge migrate` (or, on a store eventforge opens itself rather than on your adapter, createTables: true)'
          : '';
    return new EventforgeError(`${this.where}: ${error.message}${code ? ` (${code})` : ''}${hint}`, {
      cause: error,
    });
  }
}

/** The shortest time between two NOTIFYs of one recorder while saves keep committing. */
export const NOTIFY_INTERVAL_MS = 2;

/**
 * Sends the log's NOTIFY after commits. The first commit after a quiet spell is sent at once;
 * commits that follow within NOTIFY_INTERVAL_MS share one NOTIFY sent when it is over, so a
 * stream of saves costs one notifying transaction per interval rather than one per save (it was
 * a fifth of a one-event save's time). Never more than one in flight. A NOTIFY inside the save's
 * transaction would hold PostgreSQL's notification lock through the commit's flush, serialising
 * every notifying commit of the server. A failed send is dropped: listeners also poll.
 */
export class CommitNotifier {
  #sending: Promise<void> | undefined;
  /** A commit came after the last send started. */
  #pending = false;
  /** When the last send started (performance.now()). */
  #lastSent = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: () => Promise<void>,
    private readonly intervalMs = NOTIFY_INTERVAL_MS,
  ) {}

  /** A save committed: its listeners are to be woken. */
  committed(): void {
    this.#pending = true;
    if (this.#sending !== undefined || this.#timer !== undefined) return;
    this.#startOrSchedule();
  }

  /** Resolves when no notification is left to send; one scheduled is sent now. */
  async settled(): Promise<void> {
    for (;;) {
      if (this.#sending !== undefined) await this.#sending;
      else if (this.#pending) this.#start();
      else return;
    }
  }

  #startOrSchedule(): void {
    const wait = this.#lastSent + this.intervalMs - performance.now();
    if (wait <= 0) this.#start();
    else this.#timer = setTimeout(() => this.#start(), wait);
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = false;
    this.#lastSent = performance.now();
    this.#sending = this.send()
      .catch(() => undefined)
      .then(() => {
        this.#sending = undefined;
        if (this.#pending && this.#timer === undefined) this.#startOrSchedule();
      });
  }
}
