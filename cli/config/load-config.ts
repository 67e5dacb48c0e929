/**
 * Finds and loads a project's config file: `--config PATH`, or the first folder from the working
 * directory upwards holding an `eventforge.config.*` (as Prisma and Vite look for theirs).
 * `.json` is parsed, `.js`/`.mjs` imported; `.ts`/`.mts` go through jiti, loaded only then, so
 * a project without a TypeScript config (and `--version`, `--help`) never pays for it.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displayPath } from '../files/read-sources.js';
import { importTypeScript } from '../files/user-module.js';
import { ConfigError, defaultConfig, resolveConfig, type ResolvedConfig } from './resolve-config.js';

/** The names a config file may have, in the order they are looked for. */
export const CONFIG_NAMES = [
  'eventforge.config.ts',
  'eventforge.config.mts',
  'eventforge.config.js',
  'eventforge.config.mjs',
  'eventforge.config.json',
] as const;

/** The config file for `cwd`: `explicit` (resolved against cwd) when given, else the nearest one upwards; undefined when none. */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`--config ${explicit}: no such file`);
    return file;
  }
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    const found = CONFIG_NAMES.filter((name) => existsSync(join(folder, name)));
    if (found.length > 1)
      throw new ConfigError(
        `${displayPath(cwd, folder) || '.'} holds ${found.join(' and ')}; keep one (or pick one with --config)`,
      );
    if (found[0] !== undefined) return join(folder, found[0]);
    if (dirname(folder) === folder) return undefined;
  }
}

/** The project's configuration: the config file's, or the defaults against `cwd` when there is none. */
export async function loadConfig(cwd: string, explicit?: string): Promise<ResolvedConfig> {
  const file = findConfigFile(cwd, explicit);
  if (file === undefined) return defaultConfig(cwd);
  const shown = displayPath(cwd, file);
  return resolveConfig(await readConfigValue(file, shown), file, shown);
}

async function readConfigValue(file: string, shown: string): Promise<unknown> {
  const name = basename(file);
  try {
    if (name.endsWith('.json')) {
      const text = await readFile(file, 'utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new ConfigError(`${shown}: not valid JSON: ${(error as Error).message}`);
      }
    }
    if (/\.(m?ts|cts)$/.test(name)) return await importTypeScript(file, { default: true });
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default ?? module;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${shown}: cannot load the config: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
