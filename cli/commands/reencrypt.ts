/** `eventforge reencrypt`: the command's row (the work is in cli/database/run-reencrypt.ts, loaded on use). */
import { stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath } from '../files/read-sources.js';

/** `eventforge reencrypt [--database URL] [--batch-size N]` */
export const reencryptCommand: CliCommand = {
  name: 'reencrypt',
  summary: 'bind every stored payload to its record under EVENTFORGE_CIPHER_KEY (old records, key rotation)',
  usage:
    'eventforge reencrypt [--database URL] [--batch-size N] [--config FILE]   ' +
    '(default: DATABASE_URL; keys from EVENTFORGE_CIPHER_KEY and EVENTFORGE_CIPHER_PREVIOUS_KEYS; exits 1 when a record is refused)',
  options: { database: { type: 'string' }, 'batch-size': { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const database = args.values['database'];
    const batchSize = args.values['batch-size'];
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    // Loaded on use: the other commands never load the database drivers.
    const { runReencrypt } = await import('../database/run-reencrypt.js');
    return runReencrypt(
      {
        ...(typeof database === 'string' ? { database } : {}),
        ...(typeof batchSize === 'string' ? { batchSize } : {}),
        ...(config.file === undefined
          ? {}
          : { providerRule: { providers: config.providers, configFile: displayPath(io.cwd, config.file) } }),
      },
      io,
    );
  },
};
