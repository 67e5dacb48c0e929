/**
 * docs/tutorial.md, run: every block of the page in order, in a fresh folder, with eventforge and
 * @eventforge/cli packed into tarballs as a user installs them. Files are written as shown,
 * commands run as shown (`npx @eventforge/cli init` is the packed command, the project depending on
 * both tarballs; `npm install` from npm's cache; the PostgreSQL URL is a database made for the
 * run), and what they print must be what the page shows, times and the folder aside. `UPDATE_TUTORIAL=1` writes the outputs into the page
 * instead (review the diff).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import {
  localSqlitePrebuild,
  packPackage,
  removeFolder,
  run,
  tarballFlags,
  userEnv,
  type CommandResult,
  type PackedPackage,
} from './consumer-project.js';
import { docSteps, normalizeOutput, withOutput, type DocStep } from './doc-steps.js';

const page = join(import.meta.dirname, '..', '..', 'docs', 'tutorial.md');
const steps = docSteps(readFileSync(page, 'utf8'));
const update = process.env['UPDATE_TUTORIAL'] === '1';
const temp = mkdtempSync(join(tmpdir(), 'eventforge-tutorial-'));
const database = `ef_tutorial_${randomBytes(5).toString('hex')}`;
const skipPostgres = await postgresSkipReason();

let packed: PackedPackage;
let cwd = temp;
let env: NodeJS.ProcessEnv = {};
let prebuilds = '';
const outputs: { line: number; text: string }[] = [];

/** The test server's URL, on another database. */
function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client(TEST_DATABASE_URL);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  packed = await packPackage(temp);
  const prebuild = await localSqlitePrebuild(temp);
  env = {
    ...userEnv(),
    // npm from its cache where it can, quietly.
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  prebuilds = prebuild.dir;
  if (skipPostgres === undefined) await admin(`CREATE DATABASE "${database}"`);
}, 240_000);

afterAll(async () => {
  if (skipPostgres === undefined) await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  if (update) {
    let markdown = readFileSync(page, 'utf8');
    // From the bottom up: a rewritten block moves the lines below it.
    for (const { line, text } of outputs.sort((a, b) => b.line - a.line)) markdown = withOutput(markdown, line, text);
    writeFileSync(page, markdown);
  }
  removeFolder(temp);
});

/** Runs one line of a sh block as the page's reader would; `cd` and `export` change the next lines. */
async function runLine(command: string): Promise<CommandResult> {
  const cd = /^cd (\S+)$/.exec(command);
  if (cd !== null) {
    cwd = resolve(cwd, cd[1]!);
    return { code: 0, stdout: '', stderr: '' };
  }
  const exported = /^export (\w+)=(\S+)$/.exec(command);
  if (exported !== null) {
    const value = exported[1] === 'DATABASE_URL' ? databaseUrl(database) : exported[2]!;
    env = { ...env, [exported[1]!]: value };
    return { code: 0, stdout: '', stderr: '' };
  }
  const init = /^npx @eventforge\/cli init (\S+)$/.exec(command);
  if (init !== null) {
    const args = [packed.cliBin, 'init', init[1]!, ...tarballFlags(packed)];
    return run(cwd, process.execPath, args, env);
  }
  // better-sqlite3 from the repository's build (only for the install that builds it: npm warns of the setting).
  const install = command === 'npm install' ? { npm_config_better_sqlite3_local_prebuilds: prebuilds } : {};
  // One stream, as a terminal shows it.
  return run(cwd, 'bash', ['-c', `${command} 2>&1`], { ...env, ...install });
}

async function runStep(step: DocStep): Promise<void> {
  if (step.kind === 'file') {
    const path = join(cwd, step.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, step.contents);
    return;
  }
  let printed = '';
  for (const command of step.commands) {
    const result = await runLine(command);
    printed += result.stdout + result.stderr;
    expect(result.code, `${command}:\n${result.stdout}${result.stderr}`).toBe(0);
  }
  if (step.output === undefined) return;
  if (update) outputs.push({ line: step.output.line, text: printed.replaceAll(temp, '…').trimEnd() });
  else expect(normalizeOutput(printed, temp)).toBe(normalizeOutput(step.output.text, temp));
}

const firstPostgresStep = steps.findIndex(
  (step) => step.kind === 'commands' && step.commands.some((c) => c.includes('postgresql://')),
);

describe('docs/tutorial.md, every block run in a project made from the packed package', () => {
  it('has its steps: files, commands and outputs, PostgreSQL last', () => {
    expect(steps.filter((s) => s.kind === 'file').length).toBeGreaterThanOrEqual(5);
    expect(steps.filter((s) => s.kind === 'commands' && s.output !== undefined).length).toBeGreaterThanOrEqual(5);
    expect(firstPostgresStep).toBeGreaterThan(0);
  });

  steps.forEach((step, index) => {
    const what = step.kind === 'file' ? `writes ${step.path}` : `runs ${step.commands.join('; ')}`;
    const skip = index >= firstPostgresStep ? skipPostgres : undefined;
    it.skipIf(skip !== undefined)(
      `line ${step.line}: ${what}${skip === undefined ? '' : ` (${skip})`}`,
      { timeout: 180_000 },
      () => runStep(step),
    );
  });

  it('made the catalog the page describes: the system page and the event page name Popularity and ListSizes', () => {
    const catalog = join(temp, 'my-app', 'catalog');
    const system = readFileSync(join(catalog, 'systems', 'system.html'), 'utf8');
    expect(system).toMatch(/<svg [^>]*id="pipes-system"/);
    expect(system).toContain('data-id="Popularity"');
    expect(system).toContain('data-id="ListSizesProjection"');
    expect(system).toContain('>TodoList.ItemAdded</text>');
    const itemAdded = readFileSync(join(catalog, 'todos', 'todo-list', 'item-added.html'), 'utf8');
    expect(itemAdded).toContain('view <a href="../index.html#view-list-sizes">ListSizes</a>');
    expect(itemAdded).toContain(
      'process application <a href="../../systems/system.html#app-popularity">Popularity</a>',
    );
  });
});
