/**
 * A Prisma user's project, made as docs/prisma.md tells: their multi-file schema folder
 * (`prisma/schema/`: datasource and generator, their `User` and `Owner` models), their migration
 * in `prisma/migrations/`, and an `eventforge.config.json` whose `prisma` key makes
 * `eventforge generate` add the store's models and migrations. Then the store's and their
 * migrations are applied from that one folder, and `prisma generate` makes their client (offline,
 * with the documented engine stand-in).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/command.js';
import { prismaGenerate } from '../sql/store-client.js';

const root = join(import.meta.dirname, '../..');

export type Provider = 'sqlite' | 'postgresql';

export interface PrismaProject {
  readonly dir: string;
  /** The URL of the generated client's entry module. */
  readonly client: string;
  /** What `eventforge generate` printed. */
  readonly output: readonly string[];
  remove(): void;
}

const USER_MODELS = `/// The user's own tables: eventforge's models live beside them.
model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String

  @@map("users")
}

model Owner {
  id    String @id
  name  String
  dogId String @unique @map("dog_id")

  @@map("owners")
}
`;

const USER_MIGRATION: Record<Provider, string> = {
  sqlite: `CREATE TABLE "users" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL, "name" TEXT NOT NULL);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE TABLE "owners" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "dog_id" TEXT NOT NULL);
CREATE UNIQUE INDEX "owners_dog_id_key" ON "owners"("dog_id");
`,
  postgresql: `CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE TABLE "owners" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, "dog_id" TEXT NOT NULL, CONSTRAINT "owners_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "owners_dog_id_key" ON "owners"("dog_id");
`,
};

/** Makes the project in a scratch folder of the repository (so the client finds node_modules). */
export async function makePrismaProject(provider: Provider): Promise<PrismaProject> {
  const dir = mkdtempSync(join(root, `.scratch-prisma-${provider}-`));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'schemas'));
  copyFileSync(join(root, 'schemas/dog-school.domain.yaml'), join(dir, 'schemas/dog-school.domain.yaml'));
  mkdirSync(join(dir, 'prisma/schema'), { recursive: true });
  writeFileSync(
    join(dir, 'prisma/schema/schema.prisma'),
    `generator client {\n  provider = "prisma-client"\n  output = "../../client"\n  runtime = "nodejs"\n  moduleFormat = "esm"\n  importFileExtension = "js"\n}\n\n` +
      `datasource db {\n  provider = "${provider}"\n}\n`,
  );
  writeFileSync(join(dir, 'prisma/schema/users.prisma'), USER_MODELS);
  mkdirSync(join(dir, 'prisma/migrations/20260101000000_users'), { recursive: true });
  writeFileSync(join(dir, 'prisma/migrations/20260101000000_users/migration.sql'), USER_MIGRATION[provider]);
  writeFileSync(
    join(dir, 'eventforge.config.json'),
    JSON.stringify({ prisma: { schema: 'prisma/schema', migrations: 'prisma/migrations', provider } }, null, 2),
  );
  const output: string[] = [];
  const io: CliIo = { cwd: dir, out: (line) => output.push(line), err: (line) => output.push(line) };
  const code = await main(['generate', '--no-cache'], io);
  if (code !== 0) throw new Error(`eventforge generate failed (${code}):\n${output.join('\n')}`);
  prismaGenerate(join(dir, 'prisma/schema'));
  return {
    dir,
    client: pathToFileURL(join(dir, 'client', 'client.ts')).href,
    output,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A file of the project, as text. */
export function projectFile(project: PrismaProject, path: string): string {
  return readFileSync(join(project.dir, path), 'utf8');
}
