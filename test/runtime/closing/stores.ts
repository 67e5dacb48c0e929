/**
 * The stores the closing tests run on, opened through DATABASE_URL, each with a way to tell
 * whether a closed store really released its file or connections.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../../sql/postgres-helpers.js';

export interface ClosingStore {
  readonly label: string;
  /** A fresh store's DATABASE_URL. */
  fresh(): string;
  /** How many files or server connections of the store at `url` this process still holds (none for memory). */
  readonly held?: (url: string) => Promise<number>;
}

const dir = mkdtempSync(join(tmpdir(), 'eventforge-closing-'));
const schemas = new SchemaPool('closing');
let files = 0;

/** Removes the files and schemas the stores handed out. */
export async function cleanUpStores(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
}

/** File descriptors of this process open on `path` or its WAL and shared-memory files. */
function openDescriptors(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(path)) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}

/** Server sessions named `name`; a backend ends just after its client disconnects, so wait for it briefly. */
async function sessions(name: string): Promise<number> {
  const client = new pg.Client(TEST_DATABASE_URL);
  await client.connect();
  try {
    let count = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      const result = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [
        name,
      ]);
      count = (result.rows[0] as { n: number }).n;
      if (count === 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return count;
  } finally {
    await client.end();
  }
}

const postgresSkip = await postgresSkipReason();

export const closingStores: ClosingStore[] = [
  { label: 'in-memory', fresh: () => 'memory:' },
  {
    label: 'SQLite file',
    fresh: () => `file:${join(dir, `closing-${++files}.sqlite`)}`,
    held: async (url) => openDescriptors(url.slice('file:'.length)),
  },
];
if (postgresSkip === undefined) {
  closingStores.push({
    label: 'PostgreSQL',
    fresh: () =>
      `${TEST_DATABASE_URL}?schema=${schemas.next()}&application_name=ef_closing_${randomBytes(4).toString('hex')}`,
    held: async (url) => sessions(new URL(url).searchParams.get('application_name')!),
  });
} else {
  describe.skip(`closing on PostgreSQL: ${postgresSkip}`, () => it('skipped', () => undefined));
}
