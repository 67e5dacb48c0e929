/**
 * Which store each application of a system uses when a process is configured by its environment
 * only (`eventforge run`, workers): each application needs a store of its own.
 */
import type { ApplicationOptions } from '../application.js';
import { SystemError } from '../errors.js';

/** `DogSchool` → `dog_school`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The options of application `name` from `env`: its own `DATABASE_URL_<NAME>` (`DATABASE_URL_DOG_SCHOOL`)
 * when set, else `DATABASE_URL` with the PostgreSQL schema named after it (`?schema=dog_school`);
 * a SQLite or in-memory `DATABASE_URL` cannot be shared by several applications and is refused.
 */
export function applicationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): (name: string) => ApplicationOptions {
  return (name) => {
    const own = `DATABASE_URL_${snakeCase(name).toUpperCase()}`;
    const url = env[own];
    if (url !== undefined && url !== '') return { env: { ...env, DATABASE_URL: url } };
    const shared = env['DATABASE_URL'];
    if (shared === undefined || !/^postgres(ql)?:\/\//.test(shared)) {
      throw new SystemError(
        `no store for application ${name}: set ${own}, or DATABASE_URL to a postgresql://… URL ` +
          `(each application then gets the schema ${snakeCase(name)})`,
      );
    }
    const url2 = new URL(shared);
    url2.searchParams.set('schema', snakeCase(name));
    return { env: { ...env, DATABASE_URL: url2.toString() } };
  };
}
