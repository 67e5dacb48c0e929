/** `eventforge forget SUBJECT`: the command's row (the work is in cli/database/run-personal-data.ts, loaded on use). */
import { stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath } from '../files/read-sources.js';

/** `eventforge forget SUBJECT [--database URL]` */
export const forgetCommand: CliCommand = {
  name: 'forget',
  summary: "delete a subject's data key: their personal fields read as redacted from now on (docs/personal-data.md)",
  usage: 'eventforge forget SUBJECT [--database URL] [--config FILE]   (default: DATABASE_URL)',
  options: { database: { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const database = stringFlag(args, 'database');
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    const { runForget } = await import('../database/run-personal-data.js');
    return runForget(
      args.positionals[0],
      {
        ...(database === undefined ? {} : { database }),
        ...(config.file === undefined
          ? {}
          : { providerRule: { providers: config.providers, configFile: displayPath(io.cwd, config.file) } }),
      },
      io,
    );
  },
};
