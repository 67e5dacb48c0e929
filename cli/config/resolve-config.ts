/**
 * Checks a loaded config object key by key and resolves it: defaults filled in, paths made
 * absolute against the config file's folder. Every mistake names the file and the key.
 */
import { dirname, resolve } from 'node:path';
import { didYouMean } from '../../generator/did-you-mean.js';
import type { ConfigProvider, EventforgeConfig, PrismaProjectConfig } from './index.js';

/** A config file that cannot be read or says something eventforge cannot use. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The configuration every command works from: absolute paths, defaults applied. */
export interface ResolvedConfig {
  /** The config file read, absolute; undefined when there is none (all defaults, against cwd). */
  readonly file: string | undefined;
  readonly schemas: readonly string[];
  readonly out: string;
  /** The folder with one migrations folder per provider; undefined: the store's shipped migrations. */
  readonly migrations: string | undefined;
  readonly providers: readonly ConfigProvider[];
  readonly runtimeImport: string;
  /** The system modules `catalog` draws, absolute. */
  readonly systems: readonly string[];
  /** The Prisma project's folders, absolute; undefined when the config names none. */
  readonly prisma: ResolvedPrismaProject | undefined;
}

export interface ResolvedPrismaProject {
  readonly schema: string;
  readonly migrations: string | undefined;
  readonly provider: ConfigProvider;
}

export const PROVIDERS: readonly ConfigProvider[] = ['sqlite', 'postgresql'];

const KEYS: readonly (keyof EventforgeConfig)[] = [
  'schemas',
  'out',
  'migrations',
  'providers',
  'runtimeImport',
  'systems',
  'prisma',
];
const PRISMA_KEYS: readonly (keyof PrismaProjectConfig)[] = ['schema', 'migrations', 'provider'];

/** The defaults: what a project without a config file gets, its paths against `cwd`. */
export function defaultConfig(cwd: string): ResolvedConfig {
  return {
    file: undefined,
    schemas: [resolve(cwd, 'schemas')],
    out: resolve(cwd, 'generated'),
    migrations: undefined,
    providers: PROVIDERS,
    runtimeImport: 'eventforge/runtime',
    systems: [],
    prisma: undefined,
  };
}

/** Checks `value` (the config file's default export or JSON) and resolves it; throws ConfigError. */
export function resolveConfig(value: unknown, file: string, shownFile: string): ResolvedConfig {
  const fail = (message: string): never => {
    throw new ConfigError(`${shownFile}: ${message}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`expected the config as an object (\`export default defineConfig({ … })\`), got ${kindOf(value)}`);
  }
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const suggestion = didYouMean(key, KEYS);
      fail(`unknown key "${key}"${suggestion === undefined ? '' : `; ${suggestion}`} (the keys: ${KEYS.join(', ')})`);
    }
  }
  const base = dirname(file);
  const defaults = defaultConfig(base);
  const folder = (key: string, raw: unknown): string => {
    if (typeof raw !== 'string' || raw.trim() === '')
      return fail(
        `"${key}" must be a folder path (a non-empty string, relative to the config file), got ${kindOf(raw)}`,
      );
    return resolve(base, raw);
  };
  const schemas = config['schemas'];
  const providers = config['providers'];
  const runtimeImport = config['runtimeImport'];
  if (Array.isArray(schemas) && schemas.length === 0) fail('"schemas" must name at least one folder');
  if (providers !== undefined) {
    if (!Array.isArray(providers) || providers.length === 0)
      fail(
        `"providers" must be a non-empty array of ${PROVIDERS.map((p) => `"${p}"`).join(' or ')}, got ${kindOf(providers)}`,
      );
    for (const provider of providers as unknown[]) {
      if (!PROVIDERS.includes(provider as ConfigProvider)) {
        const suggestion = typeof provider === 'string' ? didYouMean(provider, PROVIDERS) : undefined;
        fail(
          `"providers" lists ${JSON.stringify(provider)}, not a provider eventforge stores events on (${PROVIDERS.join(', ')})${suggestion === undefined ? '' : `; ${suggestion}`}`,
        );
      }
    }
  }
  const systems = config['systems'];
  const modulePath = (key: string, raw: unknown): string => {
    if (typeof raw !== 'string' || raw.trim() === '')
      return fail(
        `"${key}" must be a module path (a non-empty string, relative to the config file), got ${kindOf(raw)}`,
      );
    return resolve(base, raw);
  };
  if (runtimeImport !== undefined && (typeof runtimeImport !== 'string' || runtimeImport.trim() === ''))
    fail(`"runtimeImport" must be a module specifier such as "eventforge/runtime", got ${kindOf(runtimeImport)}`);
  return {
    file,
    schemas:
      schemas === undefined
        ? defaults.schemas
        : Array.isArray(schemas)
          ? schemas.map((s, i) => folder(`schemas[${i}]`, s))
          : [folder('schemas', schemas)],
    out: config['out'] === undefined ? defaults.out : folder('out', config['out']),
    migrations: config['migrations'] === undefined ? undefined : folder('migrations', config['migrations']),
    providers: providers === undefined ? defaults.providers : [...new Set(providers as ConfigProvider[])],
    runtimeImport: typeof runtimeImport === 'string' ? runtimeImport : defaults.runtimeImport,
    systems:
      systems === undefined
        ? defaults.systems
        : Array.isArray(systems)
          ? systems.map((s, i) => modulePath(`systems[${i}]`, s))
          : [modulePath('systems', systems)],
    prisma: config['prisma'] === undefined ? undefined : resolvePrisma(config['prisma'], folder, fail),
  };
}

/** The `prisma` key: `{ schema, migrations?, provider }`. */
function resolvePrisma(
  raw: unknown,
  folder: (key: string, raw: unknown) => string,
  fail: (message: string) => never,
): ResolvedPrismaProject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(
      `"prisma" must be an object such as { schema: 'prisma/schema', migrations: 'prisma/migrations', provider: 'postgresql' }, got ${kindOf(raw)}`,
    );
  }
  const prisma = raw as Record<string, unknown>;
  for (const key of Object.keys(prisma)) {
    if (!(PRISMA_KEYS as readonly string[]).includes(key)) {
      const suggestion = didYouMean(key, PRISMA_KEYS);
      fail(
        `unknown key "prisma.${key}"${suggestion === undefined ? '' : `; ${suggestion}`} (the keys: ${PRISMA_KEYS.join(', ')})`,
      );
    }
  }
  const provider = prisma['provider'];
  if (!PROVIDERS.includes(provider as ConfigProvider)) {
    fail(
      `"prisma.provider" must be your datasource's provider, ${PROVIDERS.map((p) => `"${p}"`).join(' or ')}, got ${kindOf(provider)}`,
    );
  }
  if (prisma['schema'] === undefined)
    fail('"prisma.schema" must name your multi-file schema folder, e.g. "prisma/schema"');
  return {
    schema: folder('prisma.schema', prisma['schema']),
    migrations: prisma['migrations'] === undefined ? undefined : folder('prisma.migrations', prisma['migrations']),
    provider: provider as ConfigProvider,
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
