/**
 * A project of a user of eventforge, made as a user makes it: the two packages packed into
 * tarballs (`npm pack` of the runtime, eventforge, which builds both, and of the command,
 * @eventforge/cli, staged by the build), `eventforge init`, and `npm install` of the tarballs and
 * the scaffold's dependencies from npm's cache. Used by consumer.test.ts and tutorial.test.ts.
 *
 * better-sqlite3's install script fetches a prebuilt binary or compiles one (minutes). Here it is
 * handed, as a local prebuild, the binary this repository's own install built for the same
 * version, Node ABI and platform, so the consumer's install runs the real script without
 * compiling again.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repo = join(import.meta.dirname, '..', '..');

/** What the package needs to build and pack: its sources and build files, never its dist/ (other tests build it). */
const PACKAGE_SOURCES = [
  'package.json',
  'README.md',
  'LICENSE',
  'tsconfig.json',
  'tsconfig.build.json',
  'runtime',
  'generator',
  'cli',
  'scripts',
  'docs/errors.md',
];

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; a failure is a result, not a throw. */
export async function run(
  cwd: string,
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** The environment of a user's shell: none of this repository's test settings (source condition, vitest's, the store). */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NODE_OPTIONS|NODE_ENV|DATABASE_URL|VITEST.*|EVENTFORGE_.*|TEST|npm_.*)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

function check(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** One packed tarball. */
export interface Tarball {
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** `npm pack --json`'s figures: the tarball's bytes and its unpacked bytes. */
  readonly size: number;
  readonly unpackedSize: number;
}

/** The runtime package's tarball (eventforge), the command's (@eventforge/cli), and where they were built. */
export interface PackedPackage extends Tarball {
  readonly cli: Tarball;
  /** The packed sources' folder, built: dist/ (the runtime package's) and dist/cli-package/ (the command's). */
  readonly packageDir: string;
  /** The staged command's compiled bin, as `npx @eventforge/cli` runs it. */
  readonly cliBin: string;
}

/**
 * Copies the package's sources into `temp`, and packs them there: the root (prepack builds dist/
 * and stages the command in dist/cli-package/), then the staged command.
 */
export async function packPackage(temp: string): Promise<PackedPackage> {
  const packageDir = join(temp, 'package-src');
  for (const path of PACKAGE_SOURCES) cpSync(join(repo, path), join(packageDir, path), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
  const runtime = await pack(packageDir, '.', temp);
  const cli = await pack(packageDir, './dist/cli-package', temp);
  const cliBin = join(packageDir, 'dist', 'cli-package', 'dist', 'cli', 'bin.js');
  return { ...runtime, cli, packageDir, cliBin };
}

async function pack(cwd: string, folder: string, destination: string): Promise<Tarball> {
  const packed = check(
    await run(cwd, 'npm', ['pack', folder, '--json', '--pack-destination', destination], userEnv()),
    `npm pack ${folder}`,
  );
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
    { filename: string; size: number; unpackedSize: number },
  ];
  return { tarball: join(destination, info.filename), size: info.size, unpackedSize: info.unpackedSize };
}

/** `eventforge init`'s flags that make the project depend on the two tarballs. */
export function tarballFlags(packed: PackedPackage): string[] {
  return ['--eventforge-version', `file:${packed.tarball}`, '--cli-version', `file:${packed.cli.tarball}`];
}

/** The version of a package in this repository's node_modules. */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * A folder holding better-sqlite3's binary as prebuild-install names a prebuilt archive, made from
 * this repository's install; with `npm_config_better_sqlite3_local_prebuilds` pointing at it, the consumer's
 * install unpacks it instead of downloading or compiling.
 */
export async function localSqlitePrebuild(temp: string): Promise<{ dir: string; version: string }> {
  const version = installedVersion('better-sqlite3');
  const dir = join(temp, 'prebuilds');
  mkdirSync(dir, { recursive: true });
  const archive = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  check(
    await run(
      join(repo, 'node_modules', 'better-sqlite3'),
      'tar',
      ['czf', join(dir, archive), 'build/Release/better_sqlite3.node'],
      userEnv(),
    ),
    'tar of the better-sqlite3 binary',
  );
  return { dir, version };
}

/** npm install in `project` from npm's cache where it can, with the local SQLite prebuild. */
export async function npmInstall(
  project: string,
  packages: readonly string[],
  prebuilds: string,
): Promise<CommandResult> {
  return npm(project, ['install', ...packages], prebuilds);
}

/** An npm command (`install`, `ci`, …) in `project`, from npm's cache where it can, with the local SQLite prebuild. */
export async function npm(project: string, args: readonly string[], prebuilds: string): Promise<CommandResult> {
  return check(
    await run(project, 'npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], {
      ...userEnv(),
      // prebuild-install's setting for this package (npm warns that it does not know it, and passes it on).
      npm_config_better_sqlite3_local_prebuilds: prebuilds,
    }),
    `npm ${args.join(' ')}`,
  );
}

/** Removes a temp folder (tolerates its absence). */
export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
