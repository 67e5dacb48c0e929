/** `generate`'s last step with the config's `prisma` key: the store's models and migrations in the project's Prisma folders. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, type CliIo } from '../command.js';
import type { ResolvedPrismaProject } from '../config/resolve-config.js';
import { plural } from '../print.js';
import { applyPlan } from './apply-plan.js';
import { planPrismaMigrations, planPrismaSchema, type PrismaFolderPlan } from './prisma-project.js';
import { displayPath } from './read-sources.js';

/** Writes (or with `check`, compares) the Prisma folders; the exit code. */
export async function keepPrismaProject(
  prisma: ResolvedPrismaProject,
  outDir: string,
  check: boolean,
  text: boolean,
  io: CliIo,
): Promise<number> {
  const folders: [string, PrismaFolderPlan][] = [
    [prisma.schema, await planPrismaSchema(prisma.schema, prisma.provider, generatedViews(outDir))],
  ];
  if (prisma.migrations !== undefined) {
    folders.push([prisma.migrations, await planPrismaMigrations(prisma.migrations, prisma.provider)]);
  }
  const shown = (dir: string) => displayPath(io.cwd, dir) || '.';
  for (const [dir, { edited, lockedTo }] of folders) {
    if (lockedTo !== undefined) {
      io.err(
        `eventforge: ${shown(dir)}/migration_lock.toml says provider "${lockedTo}", but prisma.provider is "${prisma.provider}"; ` +
          "make prisma.provider your datasource's provider; nothing written to the Prisma folders",
      );
      return EXIT.failed;
    }
    if (edited.length > 0) {
      io.err(
        `eventforge: ${edited.map((path) => `${shown(dir)}/${path}`).join(', ')} ${edited.length === 1 ? 'differs' : 'differ'} from the event store's migration eventforge ships; ` +
          'restore it (delete the file and run `eventforge generate`) and put changes of your own in a new migration folder; nothing written to the Prisma folders',
      );
      return EXIT.failed;
    }
  }
  const pending = folders.flatMap(([dir, { plan }]) => plan.toWrite.map((file) => `${shown(dir)}/${file.path}`));
  if (check) {
    if (pending.length === 0) return EXIT.ok;
    if (text) {
      for (const path of pending) io.out(`  would write ${path}`);
      io.out(
        `eventforge generate --check: ${plural(pending.length, 'file')} of the Prisma folders out of date; run \`eventforge generate\``,
      );
    }
    return EXIT.failed;
  }
  for (const [dir, { plan }] of folders) if (plan.toWrite.length > 0) await applyPlan(dir, plan);
  if (text && pending.length > 0)
    io.out(
      `eventforge generate: the Prisma folders: ${plural(pending.length, 'file')} written (${pending.join(', ')})`,
    );
  return EXIT.ok;
}

/** Each domain folder's emitted `views.prisma`, by the folder's name. */
function generatedViews(outDir: string): Map<string, string> {
  const views = new Map<string, string>();
  if (!existsSync(outDir)) return views;
  for (const entry of readdirSync(outDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const file = join(outDir, entry.name, 'views.prisma');
    if (existsSync(file)) views.set(entry.name, readFileSync(file, 'utf8'));
  }
  return new Map([...views].sort(([a], [b]) => a.localeCompare(b)));
}
