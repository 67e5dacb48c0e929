/** `eventforge forget SUBJECT`: the command's row (the work is in cli/database/run-personal-data.ts, loaded on use). */
import type { CliCommand } from '../command.js';
import { databaseOptions } from './database-options.js';

/** `eventforge forget SUBJECT [--database URL]` */
export const forgetCommand: CliCommand = {
  name: 'forget',
  summary: "delete a subject's data key: their personal fields read as redacted from now on (docs/personal-data.md)",
  usage: 'eventforge forget SUBJECT [--database URL] [--config FILE]   (default: DATABASE_URL)',
  options: { database: { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const options = await databaseOptions(args, io);
    const { runForget } = await import('../database/run-personal-data.js');
    return runForget(args.positionals[0], options, io);
  },
};
