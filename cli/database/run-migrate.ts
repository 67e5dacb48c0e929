/**
 * `eventforge migrate [--database URL] [--migrations DIR]`: applies the SQL migrations (by default
 * the event store's, shipped with the runtime) the database has not recorded yet, offline (no Prisma engine), and records each in
 * `_prisma_migrations` as Prisma Migrate does. A second run changes nothing.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventforgeError } from 'eventforge/runtime';
import { readStore } from 'eventforge/runtime/command';
import {
  migratePostgres,
  migrateSqliteFile,
  postgresTarget,
  readMigrations,
  redactUrl,
  storeMigrationsDir,
  type MigrationReport,
  type Provider,
} from 'eventforge/runtime/sql';
import type { CliIo } from '../command.js';
import { displayPath } from '../files/read-sources.js';
import { unlistedProvider } from './listed-provider.js';

/** What `migrate` is asked to do. */
export interface MigrateOptions {
  /** A `DATABASE_URL`-style URL; the environment's (or the embedded default file) when absent. */
  readonly database?: string;
  /** The migrations folder; the event store's own (runtime/sql/store-schema/<provider>/migrations) when absent. */
  readonly migrations?: string;
  /** Report what is applied and pending, change nothing; exit 1 when something is pending. */
  readonly status?: boolean;
  /**
   * The config's `migrations`: a folder with one migrations folder per provider, where `generate`
   * keeps the store's migrations. Used when `migrations` is absent.
   */
  readonly migrationsRoot?: string;
  /** The config's `providers`: a database of another provider is refused. */
  readonly providers?: readonly Provider[];
  /** The config file, for messages. */
  readonly configFile?: string;
}

/** Runs one migration (or, with `status`, reports without changing anything); resolves to the exit code. */
export async function runMigrate(
  options: MigrateOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let report: MigrationReport;
  let where: string;
  try {
    const store = readStore(options.database === undefined ? env : { ...env, DATABASE_URL: options.database });
    if (store.kind === 'memory') {
      io.err(
        'eventforge migrate: the in-memory store has no tables to migrate; pass --database file:… or postgresql://…',
      );
      return 2;
    }
    const provider: Provider = store.kind;
    const configFile = options.configFile === undefined ? 'the config' : displayPath(io.cwd, options.configFile);
    const refusal = unlistedProvider(
      store,
      options.providers === undefined ? undefined : { providers: options.providers, configFile },
    );
    if (refusal !== undefined) {
      io.err(`eventforge migrate: ${refusal}; nothing was applied`);
      return 1;
    }
    const folder =
      options.migrations !== undefined
        ? resolve(io.cwd, options.migrations)
        : options.migrationsRoot !== undefined
          ? join(options.migrationsRoot, provider)
          : storeMigrationsDir(provider);
    if (options.migrations === undefined && options.migrationsRoot !== undefined && !existsSync(folder)) {
      io.err(
        `eventforge migrate: no ${provider} migrations at ${displayPath(io.cwd, folder)} (the "migrations" folder of ${configFile}); ` +
          'run `eventforge generate` to write them there; nothing was applied',
      );
      return 1;
    }
    const migrations = readMigrations(folder, provider);
    const dryRun = options.status === true;
    if (store.kind === 'sqlite') {
      where = store.filename;
      report =
        dryRun && !existsSync(store.filename) // --status must not create the file
          ? { applied: [], alreadyApplied: [], pending: migrations.map((m) => m.name) }
          : await migrateSqliteFile(store.filename, migrations, { dryRun });
    } else {
      const target = postgresTarget(store.url);
      where = `${redactUrl(store.url)} (schema ${target.schema})`;
      report = await migratePostgres(target, migrations, { dryRun });
    }
  } catch (error) {
    if (error instanceof EventforgeError) {
      io.err(`eventforge migrate: ${error.message}`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    io.err(
      typeof code === 'string' && /^E[A-Z]+$/.test(code)
        ? `eventforge migrate: cannot reach the database (${code}: ${message}); nothing was applied`
        : `eventforge migrate: ${message}; nothing was applied`,
    );
    return 1;
  }
  if (options.status === true) {
    for (const name of report.alreadyApplied) io.out(`applied  ${name}`);
    for (const name of report.pending) io.out(`pending  ${name}`);
    io.out(
      `eventforge migrate --status: ${where}: ${report.alreadyApplied.length} applied, ${report.pending.length} pending` +
        (report.pending.length > 0 ? '; run `eventforge migrate` to apply them' : ''),
    );
    return report.pending.length > 0 ? 1 : 0;
  }
  for (const name of report.applied) io.out(`applied ${name}`);
  io.out(
    report.applied.length === 0
      ? `eventforge migrate: ${where} is up to date (${report.alreadyApplied.length} applied before)`
      : `eventforge migrate: applied ${report.applied.length} to ${where} (${report.alreadyApplied.length} applied before)`,
  );
  return 0;
}
