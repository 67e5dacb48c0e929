/**
 * The Prisma emitter: per provider, `prisma/<provider>/schema.prisma` (Prisma 7, `prisma-client`
 * generator, driver adapters) and the event store's SQL migrations in Prisma Migrate's layout
 * (`prisma/<provider>/migrations/<id>_<name>/migration.sql`, `migration_lock.toml`). One
 * `schema.prisma` per provider because a Prisma datasource, and a migration lock, name one.
 */
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import type { ProjectDef } from '../../ir/model.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { STORE_MIGRATION } from './tables.js';
import { lockView, migrationView, PROVIDERS, schemaView, type Provider } from './view-model.js';

function template(name: string): Handlebars.TemplateDelegate {
  const source = readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), 'utf8');
  return Handlebars.compile(source, { noEscape: true, strict: true });
}

const templates = {
  schema: template('schema.prisma'),
  migration: template('migration.sql'),
  lock: template('migration_lock.toml'),
};

/** The files of one provider, relative to its folder; `clientOutput` as `schema.prisma` should name it. */
export function renderPrismaArtifacts(provider: Provider, clientOutput: string): GeneratedFile[] {
  return [
    { path: 'schema.prisma', contents: templates.schema(schemaView(provider, clientOutput)) },
    { path: 'migrations/migration_lock.toml', contents: templates.lock(lockView(provider)) },
    { path: `migrations/${STORE_MIGRATION}/migration.sql`, contents: templates.migration(migrationView(provider)) },
  ];
}

/** Emits `prisma/<provider>/schema.prisma` and its migrations for every provider. */
export const prismaEmitter: Emitter = {
  name: 'prisma',
  emit(_project: ProjectDef, _ctx: EmitContext): GeneratedFile[] {
    return PROVIDERS.flatMap((provider) =>
      renderPrismaArtifacts(provider, './client').map((f) => ({ path: `prisma/${provider}/${f.path}`, contents: f.contents })),
    );
  },
};
