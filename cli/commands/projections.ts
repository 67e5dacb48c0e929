/** `eventforge projections`: the command's row (the work is in cli/database/run-projections.ts, loaded on use). */
import { stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath } from '../files/read-sources.js';

/** `eventforge projections status|parked [NAME]|retry NAME [--id N] [--database URL]` */
export const projectionsCommand: CliCommand = {
  name: 'projections',
  summary: "projections' positions and lag (status), their parked events (parked), and replaying them (retry)",
  usage:
    'eventforge projections status | parked [NAME] | retry NAME [--id N]   [--database URL] [--config FILE]   ' +
    '(default: DATABASE_URL; status exits 1 when an event is parked)',
  options: { database: { type: 'string' }, id: { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    // Loaded on use: the other commands never load the database drivers.
    const { runProjections } = await import('../database/run-projections.js');
    const database = stringFlag(args, 'database');
    const id = stringFlag(args, 'id');
    return runProjections(
      {
        action: args.positionals[0],
        name: args.positionals[1],
        ...(database === undefined ? {} : { database }),
        ...(id === undefined ? {} : { id }),
        ...(config.file === undefined
          ? {}
          : { providerRule: { providers: config.providers, configFile: displayPath(io.cwd, config.file) } }),
      },
      io,
    );
  },
};
