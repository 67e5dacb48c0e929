/**
 * The config's `migrations` folder: `generate` keeps there a copy of the event store's migrations
 * shipped with the runtime, one folder per provider in Prisma Migrate's layout
 * (`<root>/<provider>/migration_lock.toml`, `<root>/<provider>/<id>_<name>/migration.sql`), so the
 * project's repository holds what `migrate` (or `prisma migrate deploy`) applies. Files are copied
 * byte for byte: the recorded checksum of an applied migration is the sha-256 of its file.
 * Folders of the project's own migrations beside them are never touched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storeMigrationsDir, type Provider } from 'eventforge/runtime/command';
import type { OutputPlan } from './plan-output.js';

/** What keeping the copy needs: an OutputPlan for the root folder, and the files that differ from the store's. */
export interface StoreMigrationsPlan {
  readonly plan: OutputPlan;
  /** Paths (relative to the root) whose bytes differ from the shipped migration of the same name. */
  readonly edited: readonly string[];
}

/** Compares `root` with the store's migrations of `providers`. */
export async function planStoreMigrations(root: string, providers: readonly Provider[]): Promise<StoreMigrationsPlan> {
  const created: string[] = [];
  const unchanged: string[] = [];
  const edited: string[] = [];
  const toWrite: { path: string; contents: string }[] = [];
  for (const provider of providers) {
    for (const path of shippedFiles(storeMigrationsDir(provider))) {
      const contents = readFileSync(join(storeMigrationsDir(provider), path), 'utf8');
      const target = `${provider}/${path}`;
      const existing = await readFile(join(root, target), 'utf8').catch(() => undefined);
      if (existing === undefined) {
        created.push(target);
        toWrite.push({ path: target, contents });
      } else if (existing === contents) unchanged.push(target);
      else edited.push(target);
    }
  }
  return { plan: { created, changed: [], unchanged, stale: [], toWrite }, edited };
}

/** `migration_lock.toml` and every `<id>_<name>/migration.sql`, relative to `dir`, sorted. */
function shippedFiles(dir: string): string[] {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${entry.name}/migration.sql`);
  return ['migration_lock.toml', ...folders.sort()];
}
