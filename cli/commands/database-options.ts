/** `--database` and the config file's `providers`, as the data-key commands take them. */
import { stringFlag, type CliIo, type ParsedArgs } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import type { DataKeyCommandOptions } from '../database/run-personal-data.js';
import { displayPath } from '../files/read-sources.js';

export async function databaseOptions(args: ParsedArgs, io: CliIo): Promise<DataKeyCommandOptions> {
  const database = stringFlag(args, 'database');
  const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
  return {
    ...(database === undefined ? {} : { database }),
    ...(config.file === undefined
      ? {}
      : { providerRule: { providers: config.providers, configFile: displayPath(io.cwd, config.file) } }),
  };
}
