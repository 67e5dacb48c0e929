/**
 * The views' tables outside TypeScript: `<domain>/views.sqlite.sql` and `views.postgresql.sql`
 * (the migrations that create them) and `<domain>/views.prisma` (models only, no datasource or
 * generator: a file to put into a multi-file `prisma/` schema beside the user's own models).
 */
import type { DomainDef, ProjectDef, ViewDef } from '../../ir/model.js';
import { domainFolder } from '../../ir/naming.js';
import { generatedHeader, type Emitter, type GeneratedFile } from '../types.js';
import { personalNote } from './personal-column.js';
import { SQL_PROVIDERS, prismaType, sqlName, viewDdl } from './view-sql.js';

function migration(domain: DomainDef, provider: (typeof SQL_PROVIDERS)[number]): GeneratedFile {
  const statements = domain.views.flatMap((view) => [
    `-- view ${view.name}${personalComment(view)}`,
    ...viewDdl(view, provider).map((s) => `${s};`),
  ]);
  return {
    path: `${domainFolder(domain.name)}/views.${provider}.sql`,
    contents: `${generatedHeader(domain.sourcePath, '--')}\n${statements.join('\n')}\n`,
  };
}

/** `; personal: email, first_name (scrubbed by forget where user_id is the subject)`, or nothing. */
function personalComment(view: ViewDef): string {
  const personal = view.columns.filter((c) => c.pii).map((c) => sqlName(c.name));
  if (personal.length === 0) return '';
  const where =
    view.subjectColumn === undefined ? '' : ` (scrubbed by forget where ${sqlName(view.subjectColumn)} is the subject)`;
  return `; personal: ${personal.join(', ')}${where}`;
}

function prismaModel(view: ViewDef): string[] {
  const width = Math.max(...view.columns.map((c) => c.name.length));
  const typeWidth = Math.max(...view.columns.map((c) => prismaType(c).length));
  const singleKey = view.key.length === 1 ? view.key[0] : undefined;
  const fields = view.columns.map((c) => {
    const attributes = [
      ...(c.name === singleKey ? ['@id'] : []),
      ...(sqlName(c.name) === c.name ? [] : [`@map("${sqlName(c.name)}")`]),
    ];
    const line = `  ${c.name.padEnd(width)} ${prismaType(c).padEnd(typeWidth)} ${attributes.join(' ')}`.trimEnd();
    const note = [c.description, personalNote(c)].filter((t) => t !== undefined).join(' ');
    return [...(note !== '' ? [`  /// ${note}`] : []), line];
  });
  const list = (names: readonly string[]): string => `[${names.join(', ')}]`;
  const blocks = [
    ...(singleKey === undefined ? [`  @@id(${list(view.key)})`] : []),
    ...view.unique.map((u) => `  @@unique(${list(u)})`),
    ...view.indexes.map((i) => `  @@index(${list(i)})`),
    `  @@map("${view.table}")`,
  ];
  const personal = view.columns.filter((c) => c.pii).map((c) => c.name);
  return [
    ...(view.description !== undefined
      ? [`/// ${view.description}`]
      : [`/// View ${view.name}, kept by its projection.`]),
    ...(personal.length > 0
      ? [`/// Personal data in ${personal.join(', ')}: replaced by placeholders when their subject is forgotten.`]
      : []),
    `model ${view.name} {`,
    ...fields.flat(),
    '',
    ...blocks,
    '}',
  ];
}

function prismaFile(domain: DomainDef): GeneratedFile {
  const models = domain.views.map((v) => prismaModel(v).join('\n'));
  return {
    path: `${domainFolder(domain.name)}/views.prisma`,
    contents: `${generatedHeader(domain.sourcePath)}\n// Models only: put this file into your prisma/ folder beside the schema that names the datasource.\n\n${models.join('\n\n')}\n`,
  };
}

/** Emits the migrations and the Prisma models of every domain that declares views. */
export const viewSchemasEmitter: Emitter = {
  name: 'view-schemas',
  emit: (project: ProjectDef) =>
    project.domains
      .filter((d) => d.views.length > 0)
      .flatMap((d) => [...SQL_PROVIDERS.map((p) => migration(d, p)), prismaFile(d)]),
};
