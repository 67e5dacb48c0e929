/**
 * The database drivers, optional peer dependencies of eventforge: a project installs those of the
 * database it uses. Each is imported on first use, and a missing one is reported with the command
 * that installs it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors.js';

const SQLITE_PACKAGES = ['better-sqlite3', '@prisma/adapter-better-sqlite3'] as const;
const POSTGRES_PACKAGES = ['pg', '@prisma/adapter-pg'] as const;

/** Prisma's SQLite driver adapter (it loads better-sqlite3). */
export function loadSqliteAdapter(): Promise<typeof import('@prisma/adapter-better-sqlite3')> {
  return importDriver(() => import('@prisma/adapter-better-sqlite3'), 'SQLite', SQLITE_PACKAGES);
}

/** better-sqlite3 itself, for work outside the adapter. */
export async function loadBetterSqlite3(): Promise<typeof import('better-sqlite3')> {
  return (await importDriver(() => import('better-sqlite3'), 'SQLite', SQLITE_PACKAGES)).default;
}

/** Prisma's PostgreSQL driver adapter (it loads pg). */
export function loadPostgresAdapter(): Promise<typeof import('@prisma/adapter-pg')> {
  return importDriver(() => import('@prisma/adapter-pg'), 'PostgreSQL', POSTGRES_PACKAGES);
}

/** pg itself, for migrations and work outside the adapter. */
export async function loadPg(): Promise<typeof import('pg').default> {
  return (await importDriver(() => import('pg'), 'PostgreSQL', POSTGRES_PACKAGES)).default;
}

async function importDriver<T>(load: () => Promise<T>, store: string, packages: readonly string[]): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const named = packages.filter((name) => isMissingPackage(error, name));
    if (named.length === 0) throw error;
    // Node names the first package it missed; say every one of the pair that is absent.
    const absent = packages.filter((name) => !isInstalled(name));
    const missing = absent.length > 0 ? absent : named;
    const which =
      missing.length === packages.length
        ? `which ${missing.length > 1 ? 'are' : 'is'} not installed`
        : `and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed`;
    throw new ConfigurationError(
      `the ${store} store needs ${packages.join(' and ')} (optional peer dependencies of eventforge), ${which}: ` +
        `run \`npm install ${packages.join(' ')}\``,
      { cause: error },
    );
  }
}

/** Node's error for an import of a package that is not installed (from the project or from the adapter). */
function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`);
}

/** Whether a package is where Node looks for it from here (a node_modules folder up the tree). */
function isInstalled(name: string): boolean {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
