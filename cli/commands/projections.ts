/** `eventforge projections`: the command's row (the work is in cli/database/run-projections.ts, loaded on use). */
import { EXIT, stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath } from '../files/read-sources.js';

/** `eventforge projections status|parked [NAME]|retry NAME [--id N]|rebuild NAME [--module FILE] [--database URL]` */
export const projectionsCommand: CliCommand = {
  name: 'projections',
  summary:
    "projections' positions and lag (status), their parked events (parked), replaying them (retry), rebuilding a view (rebuild)",
  usage:
    'eventforge projections status | parked [NAME] | retry NAME [--id N] | rebuild VIEW [--module FILE]   ' +
    '[--database URL] [--config FILE]   (default: DATABASE_URL; status exits 1 when an event is parked; rebuild ' +
    "imports the generated index in the config's out folder, or --module)",
  options: {
    database: { type: 'string' },
    id: { type: 'string' },
    module: { type: 'string' },
    config: { type: 'string' },
  },
  run: async (args, io) => {
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    const providerRule =
      config.file === undefined
        ? undefined
        : { providers: config.providers, configFile: displayPath(io.cwd, config.file) };
    if (args.positionals[0] === 'rebuild') {
      const name = args.positionals[1];
      if (name === undefined) {
        io.err('eventforge projections: rebuild needs the view: rebuild VIEW [--module FILE]');
        return EXIT.usage;
      }
      const { runRebuild } = await import('../database/run-rebuild.js');
      const database = stringFlag(args, 'database');
      const module = stringFlag(args, 'module');
      return runRebuild(
        {
          name,
          schemas: config.schemas,
          out: config.out,
          ...(module === undefined ? {} : { module }),
          ...(database === undefined ? {} : { database }),
          ...(providerRule === undefined ? {} : { providerRule }),
        },
        io,
        process.env,
      );
    }
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
        ...(providerRule === undefined ? {} : { providerRule }),
      },
      io,
    );
  },
};
