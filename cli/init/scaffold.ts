/**
 * `eventforge init [dir]`: writes the starter project of templates.ts into a folder, all files or
 * none: an existing file is never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CLI_PACKAGE, PACKAGE_JSON } from '../files/package-root.js';
import { scaffoldFiles } from './templates.js';

/** The SQLite driver packages the scaffold's default store needs (optional peer dependencies of eventforge). */
const SQLITE_PACKAGES = ['better-sqlite3', '@prisma/adapter-better-sqlite3'];
/** What the scaffold builds and tests with, at the versions eventforge itself is built and tested with. */
const DEV_PACKAGES = ['typescript', '@types/node', 'vitest'];

export interface ScaffoldOptions {
  /** The dependency written for eventforge (a version range, `file:…`, a tarball); default `^<this version>`. */
  readonly eventforgeVersion?: string;
  /** The devDependency written for the command, @eventforge/cli (as eventforgeVersion); default `^<this version>`. */
  readonly cliVersion?: string;
}

export type ScaffoldResult =
  | { readonly kind: 'written'; readonly files: readonly string[] }
  | { readonly kind: 'exists'; readonly files: readonly string[] };

/** Writes the project into `dir` (absolute), or, if any of its files exists, writes nothing and says which. */
export async function scaffold(dir: string, options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  const own = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as PackageJson;
  const files = scaffoldFiles({
    name: packageName(basename(dir)),
    dependencies: {
      eventforge: options.eventforgeVersion ?? `^${own.version}`,
      ...pick(own.peerDependencies ?? {}, SQLITE_PACKAGES),
    },
    // The command and compiler are a devDependency: an application's production install has only the runtime.
    devDependencies: {
      [CLI_PACKAGE]: options.cliVersion ?? `^${own.version}`,
      ...pick({ ...own.dependencies, ...own.devDependencies }, DEV_PACKAGES),
    },
  });
  const existing = [...files.keys()].filter((path) => existsSync(join(dir, path)));
  if (existing.length > 0) return { kind: 'exists', files: existing };
  for (const [path, contents] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    // `wx`: fail rather than overwrite a file that appeared since the check.
    await writeFile(join(dir, path), contents, { encoding: 'utf8', flag: 'wx' });
  }
  return { kind: 'written', files: [...files.keys()] };
}

interface PackageJson {
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

function pick(from: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (from[name] === undefined ? [] : [[name, from[name]]])));
}

/** A valid npm package name from a folder name: lower case, npm's characters only. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'eventforge-app' : name;
}
