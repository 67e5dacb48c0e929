/**
 * Migrations in Prisma Migrate's layout (`<dir>/<id>_<name>/migration.sql`, `migration_lock.toml`),
 * applied without Prisma's schema engine. What was applied is recorded in `_prisma_migrations`
 * exactly as Prisma Migrate records it (sha-256 checksum of the file), so `prisma migrate deploy`
 * and `prisma migrate status` agree with us where the engine exists.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventforgeError } from '../errors.js';

/** The databases the SQL recorders run on, as Prisma names their providers. */
export type Provider = 'sqlite' | 'postgresql';

/** One migration folder. */
export interface Migration {
  /** The folder name, e.g. `20261123000000_event_store`; Prisma's `migration_name`. */
  readonly name: string;
  /** The contents of `migration.sql`. */
  readonly sql: string;
  /** sha-256 of `migration.sql`, hex; Prisma's `checksum`. */
  readonly checksum: string;
}

/** A migration history that cannot be applied safely (edited after it was applied, failed, wrong provider). */
export class MigrationError extends EventforgeError {
  override readonly name = 'MigrationError';
}

/**
 * The event store's migrations, shipped with the runtime (store-schema/<provider>/migrations).
 * The store's tables are the same for every domain, so these are the only migrations it needs.
 */
export function storeMigrationsDir(provider: Provider): string {
  return fileURLToPath(new URL(`./store-schema/${provider}/migrations`, import.meta.url));
}

/** The Prisma schema of the event store's tables (store-schema/<provider>/schema.prisma), for a typed client. */
export function storeSchemaFile(provider: Provider): string {
  return fileURLToPath(new URL(`./store-schema/${provider}/schema.prisma`, import.meta.url));
}

/** Reads a migrations folder, oldest first (folder names sort by their timestamp prefix). */
export function readMigrations(dir: string, provider: Provider): Migration[] {
  if (!existsSync(dir)) {
    throw new MigrationError(
      `no migrations folder at ${dir}; pass the folder that holds your <id>_<name>/migration.sql folders`,
    );
  }
  const lockFile = join(dir, 'migration_lock.toml');
  if (existsSync(lockFile)) {
    const locked = /provider\s*=\s*"([^"]+)"/.exec(readFileSync(lockFile, 'utf8'))?.[1];
    if (locked !== undefined && locked !== provider) {
      throw new MigrationError(
        `${lockFile} says the migrations are for ${locked}, but the database is ${provider}; ` +
          `use the ${provider} migrations folder`,
      );
    }
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * A connection that holds the migration lock and an open transaction. `script` runs several
 * statements; `rows` runs one statement with `?` placeholders (renumbered for PostgreSQL).
 */
export interface MigrationSession {
  readonly provider: Provider;
  script(sql: string): Promise<void>;
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
}

/** What `applyMigrations` did. */
export interface MigrationReport {
  /** Names applied by this run, in order. */
  readonly applied: string[];
  /** Names that were already applied. */
  readonly alreadyApplied: string[];
  /** Names a dry run would apply (empty otherwise). */
  readonly pending: string[];
}

/** Options of {@link applyMigrations}. */
export interface ApplyOptions {
  /** Check and report only: create, apply and record nothing. */
  readonly dryRun?: boolean;
}

const HISTORY_TABLE: Record<Provider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`,
};

const HISTORY_EXISTS: Record<Provider, string> = {
  sqlite: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`,
  postgresql: `SELECT to_regclass('"_prisma_migrations"')`,
};

/**
 * Applies the migrations the database has not recorded yet, in order, and records each one.
 * Idempotent: a second run applies nothing. Refuses (changing nothing) when an applied migration
 * was edited since or a previous run failed half-way.
 */
export async function applyMigrations(
  session: MigrationSession,
  migrations: readonly Migration[],
  options: ApplyOptions = {},
): Promise<MigrationReport> {
  // Only create what is missing: an application's database user may lack the right to create.
  const exists = await session.rows(HISTORY_EXISTS[session.provider], []);
  const hasHistory = exists.length > 0 && exists[0]![0] !== null;
  if (!hasHistory && options.dryRun !== true) await session.script(HISTORY_TABLE[session.provider]);
  const recorded =
    !hasHistory && options.dryRun === true
      ? []
      : await session.rows(
          'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name',
          [],
        );
  const done = new Map<string, string>();
  for (const [name, checksum, finishedAt, rolledBackAt] of recorded) {
    if (rolledBackAt !== null) continue;
    if (finishedAt === null) {
      throw new MigrationError(
        `migration ${String(name)} started but did not finish; fix the database by hand, then mark it ` +
          `with \`prisma migrate resolve\` or delete its row from _prisma_migrations`,
      );
    }
    done.set(String(name), String(checksum));
  }
  const report: MigrationReport = { applied: [], alreadyApplied: [], pending: [] };
  for (const m of migrations) {
    const checksum = done.get(m.name);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) {
        throw new MigrationError(
          `migration ${m.name} was changed after it was applied (checksum ${checksum.slice(0, 12)}… ≠ ` +
            `${m.checksum.slice(0, 12)}…); never edit an applied migration: add a new one`,
        );
      }
      report.alreadyApplied.push(m.name);
      continue;
    }
    if (options.dryRun === true) {
      report.pending.push(m.name);
      continue;
    }
    try {
      await session.script(m.sql);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MigrationError(
        `migration ${m.name} failed: ${reason}; nothing of this run was applied (it runs in one transaction)`,
      );
    }
    const finished = new Date().toISOString();
    await session.rows(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) ' +
        'VALUES (?, ?, ?, ?, ?, 1)',
      [randomUUID(), m.checksum, m.name, finished, finished],
    );
    report.applied.push(m.name);
  }
  return report;
}
