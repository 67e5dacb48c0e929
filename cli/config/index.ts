/**
 * `eventforge/config`: what a project's `eventforge.config.ts` (or `.mts`, `.js`, `.mjs`, `.json`)
 * declares, and `defineConfig` to write it with types. This entry imports nothing: a config file
 * loads neither the compiler nor the runtime.
 */

/** The databases the event store runs on, as Prisma names its providers. */
export type ConfigProvider = 'sqlite' | 'postgresql';

/** A project's eventforge configuration. Relative paths are relative to the config file's folder. */
export interface EventforgeConfig {
  /** The folder (or folders) searched recursively for `*.domain.yaml`. @default 'schemas' */
  readonly schemas?: string | readonly string[];
  /** The folder `generate` writes the generated code to. @default 'generated' */
  readonly out?: string;
  /**
   * The folder holding the event store's migrations, one folder per provider in Prisma Migrate's
   * layout (`<migrations>/sqlite/`, `<migrations>/postgresql/`). When set, `generate` keeps the
   * store's migrations there and `migrate` applies them from there; when absent, `migrate`
   * applies the ones shipped inside the eventforge package.
   */
  readonly migrations?: string;
  /** The databases the project runs on: `migrate` refuses any other. @default ['sqlite', 'postgresql'] */
  readonly providers?: readonly ConfigProvider[];
  /**
   * Modules exporting a `System` (`export const system = new System([...])`) that
   * `eventforge catalog` draws with the schemas; `--system` overrides them. @default []
   */
  readonly systems?: string | readonly string[];
  /** The module generated code imports the runtime from (its helpers from `<runtimeImport>/internal`). @default 'eventforge/runtime' */
  readonly runtimeImport?: string;
  /** Your Prisma project: `generate` puts the event store into it (docs/prisma.md). */
  readonly prisma?: PrismaProjectConfig;
}

/** Where a Prisma project keeps its schema and migrations; eventforge adds its own files beside yours. */
export interface PrismaProjectConfig {
  /**
   * Your multi-file schema folder (the one with your datasource): `generate` writes the event
   * store's models there as `eventforge.prisma` (models only, no datasource or generator) and
   * each domain's read models as `eventforge-<domain>-views.prisma`.
   * @example 'prisma/schema'
   */
  readonly schema: string;
  /**
   * Your Prisma Migrate folder: `generate` keeps the event store's migrations there in Prisma
   * Migrate's layout (`<id>_<name>/migration.sql`), beside yours, so one history holds both.
   * @example 'prisma/migrations'
   */
  readonly migrations?: string;
  /** Your datasource's provider. */
  readonly provider: ConfigProvider;
}

/** Returns the config unchanged: it is there for the types (and editor completion) in `eventforge.config.ts`. */
export function defineConfig(config: EventforgeConfig): EventforgeConfig {
  return config;
}
