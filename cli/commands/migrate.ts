/** `eventforge migrate`: the command's row (the work is in cli/database/run-migrate.ts, loaded on use). */
import { stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';

/** `eventforge migrate [--database URL] [--migrations DIR] [--status]` */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply pending SQL migrations to DATABASE_URL (or --database), offline; --status only reports',
  usage:
    'eventforge migrate [--database URL] [--migrations DIR] [--status] [--config FILE]   ' +
    "(default: DATABASE_URL; the config's migrations folder, else the event store's own; --status exits 1 when some are pending)",
  options: {
    database: { type: 'string' },
    migrations: { type: 'string' },
    status: { type: 'boolean', default: false },
    config: { type: 'string' },
  },
  run: async (args, io) => {
    const database = args.values['database'];
    const migrations = args.values['migrations'];
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    // Loaded on use: the other commands never load the database drivers.
    const { runMigrate } = await import('../database/run-migrate.js');
    return runMigrate(
      {
        ...(typeof database === 'string' ? { database } : {}),
        ...(typeof migrations === 'string' ? { migrations } : {}),
        status: args.values['status'] === true,
        ...(config.migrations === undefined ? {} : { migrationsRoot: config.migrations }),
        ...(config.file === undefined ? {} : { providers: config.providers, configFile: config.file }),
      },
      io,
    );
  },
};
