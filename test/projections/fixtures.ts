/**
 * Shared by the projection tests: the stores they run on (memory, a SQLite file, a PostgreSQL
 * schema) and `TrickTally`, a projection that counts tricks per dog and writes one row per event
 * it applies, so counts show whether any event was lost or applied twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application } from '../../runtime/application.js';
import type { LoggedEvent } from '../../runtime/notification-log.js';
import type { Projection } from '../../runtime/projection.js';
import type { RecorderTransaction } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { kennelDomain } from '../runtime/fixtures/kennel.js';

export const dir = mkdtempSync(join(tmpdir(), 'eventforge-projections-'));
export const schemas = new SchemaPool('proj');
export const postgresSkip = await postgresSkipReason();

export interface Store {
  readonly label: string;
  /** DATABASE_URL of a fresh, empty store. */
  fresh(): string;
}

let files = 0;
export const stores: Store[] = [
  { label: 'in-memory', fresh: () => 'memory:' },
  { label: 'SQLite file', fresh: () => `file:${join(dir, `p-${++files}.sqlite`)}` },
  ...(postgresSkip === undefined
    ? [{ label: 'PostgreSQL', fresh: () => `${TEST_DATABASE_URL}?schema=${schemas.next()}` }]
    : []),
];

export function kennel(url: string): Application {
  return new Application({ domains: [kennelDomain], name: 'Kennel', env: { DATABASE_URL: url } });
}

/** What TrickTally has applied: tricks per dog, and every applied notification id (repeats kept). */
export interface Tally {
  readonly tricks: Map<string, number>;
  readonly applied: bigint[];
}

/**
 * Counts tricks per dog. SQL stores: tables `trick_tally` and `tally_applied` (no unique key, so a
 * second application of an event shows as a repeat). Memory: the same, kept here, changed on commit.
 */
export class TrickTally implements Projection {
  readonly memory: Tally = { tricks: new Map(), applied: [] };
  /** Throws for the events it matches (a failing handler). */
  failOn: (event: LoggedEvent) => boolean = () => false;
  /** Work each batch takes inside its transaction (a slow handler), in ms. */
  pauseMs = 0;
  calls = 0;

  constructor(
    readonly name = 'TrickTally',
    readonly onParked: 'stop' | 'continue' = 'stop',
    readonly topics?: readonly string[],
  ) {}

  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    this.calls++;
    if (this.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    const tricks = new Map<string, number>();
    for (const e of events) {
      if (this.failOn(e)) throw new Error(`cannot tally ${e.id}`);
      if (e.event.type === 'TrickAdded') {
        tricks.set(e.event.originatorId, (tricks.get(e.event.originatorId) ?? 0) + 1);
      }
    }
    if (tx.provider === 'memory') {
      tx.onCommit(() => {
        for (const [dog, n] of tricks) this.memory.tricks.set(dog, (this.memory.tricks.get(dog) ?? 0) + n);
        this.memory.applied.push(...events.map((e) => e.id));
      });
      return;
    }
    await ensureTables(tx);
    const p = placeholders(tx);
    for (const [dog, n] of tricks) {
      await tx.execute(
        `INSERT INTO trick_tally (dog, tricks) VALUES (${p(1)}, ${p(2)}) ` +
          'ON CONFLICT (dog) DO UPDATE SET tricks = trick_tally.tricks + excluded.tricks',
        [dog, n],
      );
    }
    const values = events.map((_, i) => `(${p(i + 1)})`).join(', ');
    await tx.execute(
      `INSERT INTO tally_applied (notification_id) VALUES ${values}`,
      events.map((e) => e.id),
    );
  }

  async reset(tx: RecorderTransaction): Promise<void> {
    await ensureTables(tx);
    await tx.execute('DELETE FROM trick_tally');
    await tx.execute('DELETE FROM tally_applied');
  }

  /** What the projection has applied, read from the store. */
  async read(app: Application): Promise<Tally> {
    const recorder = await app.recorder();
    return recorder.transaction(async (tx) => {
      if (tx.provider === 'memory') {
        const applied = [...this.memory.applied].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return { tricks: new Map(this.memory.tricks), applied };
      }
      await ensureTables(tx);
      const tricks = await tx.query<{ dog: string; tricks: unknown }>('SELECT dog, tricks FROM trick_tally');
      const applied = await tx.query<{ notification_id: unknown }>(
        'SELECT notification_id FROM tally_applied ORDER BY notification_id',
      );
      return {
        tricks: new Map(tricks.map((r) => [r.dog, Number(r.tricks)])),
        applied: applied.map((r) => BigInt(r.notification_id as number | string | bigint)),
      };
    });
  }
}

async function ensureTables(tx: RecorderTransaction): Promise<void> {
  await tx.execute('CREATE TABLE IF NOT EXISTS trick_tally (dog TEXT PRIMARY KEY, tricks INTEGER NOT NULL)');
  await tx.execute('CREATE TABLE IF NOT EXISTS tally_applied (notification_id BIGINT NOT NULL)');
}

function placeholders(tx: RecorderTransaction): (n: number) => string {
  return tx.provider === 'postgresql' ? (n) => `$${n}` : () => '?';
}

/** Every element once, in order: what a tally's `applied` must equal. */
export function ids(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** Polls `check` until it holds or `ms` pass. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
