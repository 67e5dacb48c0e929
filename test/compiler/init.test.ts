/**
 * `eventforge init`: the scaffold's files, the refusal to overwrite, and that the scaffold works:
 * with this repository linked as its `eventforge` (run from source through the eventforge-source
 * condition), `generate` reads its eventforge.config.ts, `check` passes, its own tsconfig compiles
 * it with tsc, `node` runs the result on SQLite, and `migrate` applies the migrations generate kept.
 * (Installing the packed tarball and running the scaffold's vitest test is test/package's job.)
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';

const repo = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'eventforge-init-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function init(cwd: string, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(['init', ...args], io);
  return { code, out, err };
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

const SCAFFOLD = [
  '.gitignore',
  'eventforge.config.ts',
  'package.json',
  'schemas/todos.domain.yaml',
  'src/main.ts',
  'src/todos.test.ts',
  'src/todos.ts',
  'tsconfig.json',
];

describe('eventforge init', () => {
  it('writes the project, with the dependency specs given, and prints the next steps', async () => {
    const result = await init(
      temp,
      'my-app',
      '--eventforge-version',
      'file:../eventforge-0.1.0.tgz',
      '--cli-version',
      'file:../eventforge-cli-0.1.0.tgz',
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const project = join(temp, 'my-app');
    expect(files(project)).toEqual(SCAFFOLD);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('my-app');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['generate', 'check', 'migrate', 'start', 'test']));
    expect(pkg.dependencies['eventforge']).toBe('file:../eventforge-0.1.0.tgz');
    // The command and compiler only as a devDependency: the production install has the runtime alone.
    expect(pkg.devDependencies['@eventforge/cli']).toBe('file:../eventforge-cli-0.1.0.tgz');
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@prisma/adapter-better-sqlite3',
      'better-sqlite3',
      'eventforge',
    ]);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@eventforge/cli', '@types/node', 'typescript', 'vitest']);
    expect(result.out).toContain('  created my-app/eventforge.config.ts');
    expect(result.out.at(-1)).toContain(
      'eventforge init: a project in my-app. Next:\n\n  cd my-app\n  npm install\n  npm start',
    );
  });

  it('depends on ^<this version> of both packages by default and names the package after the folder', async () => {
    const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    mkdirSync(join(temp, 'My Shop'));
    expect((await init(join(temp, 'My Shop'))).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(temp, 'My Shop', 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('my-shop');
    expect(pkg.dependencies['eventforge']).toBe(`^${own.version}`);
    expect(pkg.devDependencies['@eventforge/cli']).toBe(`^${own.version}`);
  });

  it('refuses to overwrite: names the files that exist and writes nothing', async () => {
    const project = join(temp, 'existing');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'main.ts'), '// mine\n');
    writeFileSync(join(project, 'tsconfig.json'), '{}\n');
    const result = await init(temp, 'existing');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      'eventforge init: existing already has tsconfig.json, src/main.ts; nothing was written. ' +
        'Run init in a new or empty folder (`eventforge init my-app`), or move those files away first.',
    ]);
    expect(files(project)).toEqual(['src/main.ts', 'tsconfig.json']);
    expect(readFileSync(join(project, 'src', 'main.ts'), 'utf8')).toBe('// mine\n');
  });

  it("the schema's modeline resolves to the JSON Schema the package exports, inside node_modules/eventforge", () => {
    const schema = readFileSync(join(temp, 'my-app', 'schemas', 'todos.domain.yaml'), 'utf8');
    const path = /^# yaml-language-server: \$schema=\.\.\/node_modules\/eventforge\/(\S+)\n/.exec(schema)?.[1];
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(path).toBeDefined();
    expect(manifest.exports['./domain.schema.json']).toBe(`./${path}`);
  });
});

describe('the scaffold works (this repository linked as its eventforge)', () => {
  const project = join(temp, 'linked');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '--conditions=eventforge-source' };
  delete env['DATABASE_URL'];
  delete env['EVENTFORGE_SQLITE_FILE'];
  const exec = async (file: string, args: string[], extraEnv: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(file, args, { cwd: project, env: { ...env, ...extraEnv } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const eventforge = (...args: string[]) => exec(process.execPath, [join(repo, 'bin', 'eventforge.js'), ...args]);

  beforeAll(async () => {
    expect((await init(temp, 'linked')).code).toBe(0);
    mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
    symlinkSync(repo, join(project, 'node_modules', 'eventforge'), 'dir');
    // The scaffold's devDependencies, as npm install would bring them.
    for (const name of ['@types/node', 'typescript', 'vitest'])
      symlinkSync(join(repo, 'node_modules', name), join(project, 'node_modules', name), 'dir');
  });

  it('generate reads eventforge.config.ts (defineConfig from eventforge/config) and writes src/generated and migrations', async () => {
    const result = await eventforge('generate');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(join(project, 'src', 'generated', 'todos', 'index.ts'))).toBe(true);
    expect(existsSync(join(project, 'migrations', 'sqlite', 'migration_lock.toml'))).toBe(true);
    expect(existsSync(join(project, 'migrations', 'postgresql', 'migration_lock.toml'))).toBe(true);
    expect(existsSync(join(project, 'generated'))).toBe(false);
  }, 60_000);

  it('check passes on the scaffold', async () => {
    const result = await eventforge('check');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^eventforge check: 1 domain, 0 errors, 0 warnings/);
  }, 60_000);

  it('its tsconfig compiles it with tsc, generated validators included, and node runs it on SQLite', async () => {
    const tsc = await exec(process.execPath, [
      join(repo, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      '.',
      '--customConditions',
      'eventforge-source',
    ]);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    expect(existsSync(join(project, 'dist', 'generated', 'todos', 'validators.js'))).toBe(true);
    // The runtime is TypeScript source here, so node needs tsx's loader; an installed eventforge is compiled.
    const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
    const run = await exec(process.execPath, ['--import', tsx, 'dist/main.js']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `{"name":"Groceries","items":["milk","bread"]}\nstored in ${join(project, 'eventforge.sqlite')}\n`,
    );
  }, 120_000);

  it('its vitest test passes (here told the source condition, outside the project; an installed eventforge needs none)', async () => {
    const conditions = JSON.stringify(['eventforge-source', 'module', 'node', 'development|production']);
    const config = join(temp, 'vitest-linked.config.mjs');
    writeFileSync(
      config,
      `export default { resolve: { conditions: ${conditions} }, ssr: { resolve: { conditions: ${conditions} } } };\n`,
    );
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await exec(process.execPath, [vitest, 'run', '--dir', 'src', '--config', config], {
      CI: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.replace(/\u001b\[\d+m/g, '')).toMatch(/Tests +1 passed \(1\)/);
  }, 120_000);

  it('migrate applies the migrations generate kept in migrations/sqlite', async () => {
    const file = join(project, 'production.sqlite');
    const result = await exec(process.execPath, [join(repo, 'bin', 'eventforge.js'), 'migrate'], {
      DATABASE_URL: `file:${file}`,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('applied 20261123000000_event_store');
    expect(existsSync(file)).toBe(true);
  }, 60_000);
});
