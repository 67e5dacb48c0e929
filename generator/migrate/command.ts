/** The `migrate` row of the CLI's command table (the work is in run-migrate.ts, loaded on use). */
import type { CliCommand } from '../cli.js';

/** The `migrate` row of the CLI's command table. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply pending SQL migrations to DATABASE_URL (or --database), offline',
  usage: 'eventforge migrate [--database URL] [--migrations DIR]   (default: DATABASE_URL, generated/prisma/<provider>/migrations)',
  options: { database: { type: 'string' }, migrations: { type: 'string' } },
  run: async (args, io) => {
    const database = args.values['database'];
    const migrations = args.values['migrations'];
    // Loaded on use: the other commands never load the database drivers.
    const { runMigrate } = await import('./run-migrate.js');
    return runMigrate(
      {
        ...(typeof database === 'string' ? { database } : {}),
        ...(typeof migrations === 'string' ? { migrations } : {}),
      },
      io,
    );
  },
};
