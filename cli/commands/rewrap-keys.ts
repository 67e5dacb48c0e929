/** `eventforge rewrap-keys`: the command's row (the work is in cli/database/run-personal-data.ts, loaded on use). */
import { stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath } from '../files/read-sources.js';

/** `eventforge rewrap-keys [--database URL]` */
export const rewrapKeysCommand: CliCommand = {
  name: 'rewrap-keys',
  summary: 'wrap every data key again under EVENTFORGE_MASTER_KEY (master-key rotation)',
  usage:
    'eventforge rewrap-keys [--database URL] [--config FILE]   ' +
    '(keys from EVENTFORGE_MASTER_KEY and EVENTFORGE_MASTER_PREVIOUS_KEYS; exits 1 when a key is refused)',
  options: { database: { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const database = stringFlag(args, 'database');
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    const { runRewrapKeys } = await import('../database/run-personal-data.js');
    return runRewrapKeys(
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
