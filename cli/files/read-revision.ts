/**
 * Reads the earlier revision that `check --against <target>` compares with: a schema file, a
 * folder of schemas, or a git revision (`HEAD~1`, `main`, a tag), read with `git show`. The
 * compiler only compares what this returns (generator/against/), so all disk and git access is here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Revision, RevisionRead } from '../../generator/against/index.js';
import type { SchemaSource } from '../../generator/load/source-doc.js';

/** Thrown inside this module when the target is neither a readable file, a folder nor a git revision. */
class RevisionNotFoundError extends Error {
  override readonly name = 'RevisionNotFoundError';
}

const SCHEMA_FILE = /\.ya?ml$/;

/**
 * The schemas of `target`, or why they cannot be read. For a git revision, the files read are the
 * current schema paths and every YAML file the revision holds in the same folders (so a deleted
 * schema is noticed).
 */
export function readRevision(target: string, currentPaths: readonly string[], cwd = process.cwd()): RevisionRead {
  try {
    return readTarget(target, currentPaths, cwd);
  } catch (e) {
    if (e instanceof RevisionNotFoundError) return { label: target, unreadable: e.message };
    throw e;
  }
}

function readTarget(target: string, currentPaths: readonly string[], cwd: string): Revision {
  const onDisk = posix.isAbsolute(target) ? target : posix.join(cwd.replace(/\\/g, '/'), target);
  if (existsSync(onDisk)) {
    if (statSync(onDisk).isDirectory()) {
      const files = readdirSync(onDisk)
        .filter((f) => SCHEMA_FILE.test(f))
        .sort();
      if (files.length === 0) throw new RevisionNotFoundError(`${target} holds no .yaml schema files`);
      return {
        label: target,
        sources: files.map((f) => ({ path: posix.join(target, f), text: readFileSync(posix.join(onDisk, f), 'utf8') })),
      };
    }
    return { label: target, sources: [{ path: target, text: readFileSync(onDisk, 'utf8') }] };
  }
  return readGitRevision(target, currentPaths, cwd);
}

function readGitRevision(ref: string, currentPaths: readonly string[], cwd: string): Revision {
  const git = (args: readonly string[]): string =>
    execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 2 ** 20,
    });
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new RevisionNotFoundError(
      `${ref} is neither a file, a folder nor a git revision of this repository (try a commit, a branch, a tag or HEAD~1)`,
    );
  }
  const folders = [...new Set(currentPaths.map((p) => posix.dirname(p)))].sort();
  const listed = folders.length === 0 ? '' : git(['ls-tree', '--name-only', ref, '--', ...folders.map((f) => `${f}/`)]);
  const paths = new Set(listed.split('\n').filter((p) => SCHEMA_FILE.test(p)));
  for (const p of currentPaths) paths.add(p);
  const sources: SchemaSource[] = [];
  for (const path of [...paths].sort()) {
    let text: string;
    try {
      text = git(['show', `${ref}:./${path}`]);
    } catch {
      continue; // the file is new since that revision: nothing to compare it with
    }
    sources.push({ path, text });
  }
  return { label: ref, sources };
}
