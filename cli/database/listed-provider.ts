/** The config's `providers`: a database command refuses a database of a provider the project does not list. */
import type { StoreConfig } from 'eventforge/runtime';
import { redactUrl, type Provider } from 'eventforge/runtime/sql';

/** What the config says about providers, for a database command. */
export interface ProviderRule {
  readonly providers: readonly Provider[];
  /** The config file, as printed. */
  readonly configFile: string;
}

/** Why `store` is refused under `rule`, or undefined when it is allowed (or there is no rule). */
export function unlistedProvider(store: StoreConfig, rule: ProviderRule | undefined): string | undefined {
  if (rule === undefined || store.kind === 'memory' || rule.providers.includes(store.kind)) return undefined;
  // An unset DATABASE_URL falls back to a SQLite file: on a server that is a forgotten variable.
  const where = store.kind === 'sqlite' ? store.filename : redactUrl(store.url);
  return (
    `the database is ${store.kind} (${where}), but ${rule.configFile} lists only ${rule.providers.join(', ')} in "providers"; ` +
    'set DATABASE_URL (or --database) to the database you meant, or add the provider there'
  );
}
