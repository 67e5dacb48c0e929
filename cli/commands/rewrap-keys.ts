/** `eventforge rewrap-keys`: the command's row (the work is in cli/database/run-personal-data.ts, loaded on use). */
import type { CliCommand } from '../command.js';
import { databaseOptions } from './database-options.js';

/** `eventforge rewrap-keys [--database URL]` */
export const rewrapKeysCommand: CliCommand = {
  name: 'rewrap-keys',
  summary: 'wrap every data key again under EVENTFORGE_MASTER_KEY (master-key rotation)',
  usage:
    'eventforge rewrap-keys [--database URL] [--config FILE]   ' +
    '(keys from EVENTFORGE_MASTER_KEY and EVENTFORGE_MASTER_PREVIOUS_KEYS; exits 1 when a key is refused)',
  options: { database: { type: 'string' }, config: { type: 'string' } },
  run: async (args, io) => {
    const options = await databaseOptions(args, io);
    const { runRewrapKeys } = await import('../database/run-personal-data.js');
    return runRewrapKeys(options, io);
  },
};
