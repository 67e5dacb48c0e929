/** `eventforge migrate`: the command's row (the work is in cli/database/run-migrate.ts, loaded on use). */
import type { CliCommand } from '../command.js';

/** `eventforge migrate [--database URL] [--migrations DIR] [--status]` */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply pending SQL migrations to DATABASE_URL (or --database), offline; --status only reports',
  usage:
    'eventforge migrate [--database URL] [--migrations DIR] [--status]   ' +
    "(default: DATABASE_URL, the event store's migrations; --status exits 1 when some are pending)",
  options: {
    database: { type: 'string' },
    migrations: { type: 'string' },
    status: { type: 'boolean', default: false },
  },
  run: async (args, io) => {
    const database = args.values['database'];
    const migrations = args.values['migrations'];
    // Loaded on use: the other commands never load the database drivers.
    const { runMigrate } = await import('../database/run-migrate.js');
    return runMigrate(
      {
        ...(typeof database === 'string' ? { database } : {}),
        ...(typeof migrations === 'string' ? { migrations } : {}),
        status: args.values['status'] === true,
      },
      io,
    );
  },
};
