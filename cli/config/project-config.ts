/**
 * What a command calls to get its configuration: loads the config module on first use, so that
 * `--version`, `--help` and the commands that take no config never load it.
 */
import type { ResolvedConfig } from './resolve-config.js';

/** The project's configuration for a command run in `cwd` (`--config` as `explicit`). */
export async function projectConfig(cwd: string, explicit: string | undefined): Promise<ResolvedConfig> {
  const { loadConfig } = await import('./load-config.js');
  return loadConfig(cwd, explicit);
}
