/**
 * eventforge as a user gets it: the runtime (eventforge) and the command (@eventforge/cli) packed,
 * `eventforge init`, installed into a fresh project with the SQLite drivers the scaffold lists (not
 * PostgreSQL's), then the project's own tools: the installed `eventforge generate` and `migrate`,
 * the project's `tsc` under three strict settings with skipLibCheck off, plain `node` on SQLite and
 * `npm start`, a production install (`--omit=dev`) without the compiler's libraries that runs the
 * application, the installed command's `system status` of a system the project compiled, the
 * project's vitest test, a CommonJS `require`, and on PostgreSQL once its drivers are installed
 * (and a clear refusal before).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations, storeMigrationsDir } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import {
  localSqlitePrebuild,
  npm,
  npmInstall,
  packPackage,
  removeFolder,
  run,
  tarballFlags,
  userEnv,
  type CommandResult,
  type PackedPackage,
} from './consumer-project.js';

const repo = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'eventforge-consumer-'));
const project = join(temp, 'app');
const schemas = new SchemaPool('consumer');
let packed: PackedPackage;
let prebuilds: string;

const inProject = (file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> =>
  run(project, file, args, { ...userEnv(), ...env });
const bin = (name: string): string => join(project, 'node_modules', '.bin', name);

beforeAll(async () => {
  packed = await packPackage(temp);
  const prebuild = await localSqlitePrebuild(temp);
  prebuilds = prebuild.dir;
  // `npx @eventforge/cli init app` of the packed version (its compiled CLI), the project depending on the tarballs.
  const init = await run(temp, process.execPath, [packed.cliBin, 'init', 'app', ...tarballFlags(packed)], userEnv());
  expect(init.code, init.stderr).toBe(0);
  // The scaffold's dependencies; better-sqlite3 at the version whose binary the prebuild holds.
  await npmInstall(project, [`better-sqlite3@${prebuild.version}`], prebuilds);
}, 240_000);

afterAll(async () => {
  await schemas.dropAll();
  removeFolder(temp);
});

// Each step is a few processes (tsc four times); a loaded machine can take many times its quiet duration.
const STEP = { timeout: 120_000 };

describe('a project made with eventforge init, eventforge installed from the packed tarball', STEP, () => {
  it('has eventforge, its command and the SQLite drivers installed, not PostgreSQL’s', () => {
    const installed = (name: string) => existsSync(join(project, 'node_modules', name, 'package.json'));
    expect(installed('eventforge') && installed('@eventforge/cli')).toBe(true);
    // One runtime: the command's peer dependency is the application's own eventforge, not a copy of its own.
    expect(existsSync(join(project, 'node_modules', '@eventforge', 'cli', 'node_modules', 'eventforge'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@eventforge', 'cli', 'node_modules', 'yaml'))).toBe(false);
    expect(installed('better-sqlite3') && installed('@prisma/adapter-better-sqlite3')).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(
      true,
    );
    expect(installed('pg') || installed('@prisma/adapter-pg') || installed('@prisma/client')).toBe(false);
  });

  it("names, in its schema's modeline, the JSON Schema inside node_modules/eventforge", () => {
    const schemaFile = join(project, 'schemas', 'todos.domain.yaml');
    const path = /^# yaml-language-server: \$schema=(\S+)\n/.exec(readFileSync(schemaFile, 'utf8'))?.[1];
    expect(path).toBe('../node_modules/eventforge/domain.schema.json');
    const target = resolve(dirname(schemaFile), path ?? '');
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(repo, 'generator', 'validate', 'domain.schema.json'), 'utf8')),
    );
  });

  it('the installed eventforge init writes the same project', async () => {
    const result = await inProject(bin('eventforge'), ['init', '../again', ...tarballFlags(packed)]);
    expect(result.code, result.stderr).toBe(0);
    const again = join(temp, 'again');
    for (const file of readdirSync(again, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
      const path = join(file.parentPath, file.name).slice(again.length + 1);
      const mine = readFileSync(join(again, path), 'utf8');
      const first = readFileSync(join(project, path), 'utf8');
      if (path === 'package.json') {
        expect(JSON.parse(mine).scripts).toEqual(JSON.parse(first).scripts);
      } else expect(mine, path).toBe(first);
    }
  });

  it('generate and migrate run with the installed CLI (the config file read, migrations kept)', async () => {
    const generate = await inProject(bin('eventforge'), ['generate']);
    expect(generate.code, generate.stderr).toBe(0);
    expect(generate.stdout).toMatch(/^eventforge generate: 1 domain, 8 files written/);
    expect(existsSync(join(project, 'migrations', 'sqlite', 'migration_lock.toml'))).toBe(true);
    const migrate = await inProject(bin('eventforge'), ['migrate']);
    expect(migrate.code, migrate.stderr).toBe(0);
    const shipped = readMigrations(storeMigrationsDir('sqlite'), 'sqlite').length;
    expect(migrate.stdout).toMatch(new RegExp(`eventforge migrate: applied ${shipped} to .*eventforge\\.sqlite`));
  });

  it('its own tsc compiles it with skipLibCheck off: NodeNext, exactOptionalPropertyTypes, moduleResolution bundler', async () => {
    // Beside the scaffold, a file using the SQL store entry, whose types must not need PostgreSQL's packages.
    writeFileSync(
      join(project, 'src', 'stores.ts'),
      "import { createSqliteRecorder } from 'eventforge/runtime/sql';\n\n" +
        'export const openStore = (filename: string) => createSqliteRecorder({ filename });\n',
    );
    const variants: Record<string, object> = {
      nodenext: {},
      exact: { exactOptionalPropertyTypes: true },
      bundler: { module: 'ESNext', moduleResolution: 'bundler' },
    };
    for (const [name, options] of Object.entries(variants)) {
      const config = `tsconfig.${name}.json`;
      const compilerOptions = { ...options, skipLibCheck: false, noEmit: true };
      writeFileSync(join(project, config), JSON.stringify({ extends: './tsconfig.json', compilerOptions }));
      const tsc = await inProject(bin('tsc'), ['-p', config]);
      expect(tsc.stdout + tsc.stderr, name).toBe('');
      expect(tsc.code, name).toBe(0);
    }
    const build = await inProject(bin('tsc'), ['-p', 'tsconfig.json']);
    expect(build.stdout + build.stderr).toBe('');
    expect(existsSync(join(project, 'dist', 'generated', 'todos', 'validators.js'))).toBe(true);
  });

  it('plain node runs the compiled application on SQLite', async () => {
    const result = await inProject(process.execPath, ['dist/main.js']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `{"name":"Groceries","items":["milk","bread"]}\nstored in ${join(project, 'eventforge.sqlite')}\n`,
    );
  });

  it('a production install (--omit=dev) has the runtime and its driver, none of the compiler’s libraries, and runs the build', async () => {
    const production = join(temp, 'production');
    for (const file of ['package.json', 'package-lock.json', 'dist']) {
      cpSync(join(project, file), join(production, file), { recursive: true });
    }
    await npm(production, ['ci', '--omit=dev'], prebuilds);
    const installed = (name: string) => existsSync(join(production, 'node_modules', name, 'package.json'));
    expect(['eventforge', 'better-sqlite3', '@prisma/adapter-better-sqlite3', 'decimal.js'].filter(installed)).toEqual([
      'eventforge',
      'better-sqlite3',
      '@prisma/adapter-better-sqlite3',
      'decimal.js',
    ]);
    const compilerOnly = [
      '@eventforge/cli',
      'yaml',
      'ajv',
      'typescript',
      '@ts-morph/common',
      'handlebars',
      'chokidar',
      'jiti',
      'vscode-languageserver',
      '@dagrejs/dagre',
      'vitest',
    ];
    expect(compilerOnly.filter(installed)).toEqual([]);
    const result = await run(production, process.execPath, ['dist/main.js'], userEnv());
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `{"name":"Groceries","items":["milk","bread"]}\nstored in ${join(production, 'eventforge.sqlite')}\n`,
    );
  });

  it('npm start (generate, tsc, node) runs it, as init promises', async () => {
    const result = await inProject('npm', ['start']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('{"name":"Groceries","items":["milk","bread"]}\n');
  });

  it('system status of the installed command reads the system the application compiled, on its own eventforge', async () => {
    writeFileSync(
      join(project, 'src', 'system.ts'),
      [
        "import { on, ProcessApplication, System } from 'eventforge/runtime';",
        "import { TodoList, Todos } from './todos.js';",
        '',
        'export class Counter extends ProcessApplication {',
        '  readonly policy = [on(TodoList, { ItemAdded: async () => {} })];',
        '}',
        '',
        'export const system = new System([[Todos, Counter]]);',
        '',
      ].join('\n'),
    );
    const tsc = await inProject(bin('tsc'), ['-p', 'tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    const stores = { DATABASE_URL_TODOS: 'file:./eventforge.sqlite', DATABASE_URL_COUNTER: 'file:./counter.sqlite' };
    const status = await inProject(bin('eventforge'), ['system', 'status', 'dist/system.js'], stores);
    expect(status.code, status.stderr).toBe(0);
    // Nothing has run the follower: it is at 0, and the leader's head is the events main.js stored.
    expect(status.stdout).toMatch(/^Counter +Todos +- +- +none +0 +([1-9]\d*) +\1 +0$/m);
  });

  it('its vitest test passes', async () => {
    const result = await inProject(bin('vitest'), ['run', '--dir', 'src'], { CI: 'true' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Tests +1 passed \(1\)/);
  });

  it('a CommonJS file requires the runtime (require of ES modules); the package root is no entry', async () => {
    writeFileSync(
      join(project, 'require.cjs'),
      [
        "const { Application, Decimal } = require('eventforge/runtime');",
        "const { createSqliteRecorder } = require('eventforge/runtime/sql');",
        'console.log(typeof Application, typeof Decimal, typeof createSqliteRecorder);',
        "try { require('eventforge'); } catch (error) { console.log(error.code); }",
      ].join('\n'),
    );
    const result = await inProject(process.execPath, ['require.cjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('function function function\nERR_PACKAGE_PATH_NOT_EXPORTED\n');
  });
});

describe('the same project on PostgreSQL', STEP, async () => {
  const skip = await postgresSkipReason();
  const schema = schemas.next();
  const env = { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}` };

  it('without pg installed, node and migrate say what to install', async () => {
    const app = await inProject(process.execPath, ['dist/main.js'], env);
    expect(app.code).toBe(1);
    const advice =
      'the PostgreSQL store needs pg and @prisma/adapter-pg (optional peer dependencies of eventforge), ' +
      'which are not installed: run `npm install pg @prisma/adapter-pg`';
    expect(app.stderr).toContain(`ConfigurationError: ${advice}`);
    const migrate = await inProject(bin('eventforge'), ['migrate'], env);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toBe(`eventforge migrate: ${advice}\n`);
  });

  it('with pg but not its adapter, node names the adapter', async () => {
    await npmInstall(project, ['pg'], prebuilds);
    const app = await inProject(process.execPath, ['dist/main.js'], env);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain(
      'ConfigurationError: the PostgreSQL store needs pg and @prisma/adapter-pg (optional peer dependencies of eventforge), ' +
        'and @prisma/adapter-pg is not installed: run `npm install pg @prisma/adapter-pg`',
    );
  });

  it.skipIf(skip !== undefined)(
    `with them installed, migrate and plain node run it${skip === undefined ? '' : ` (${skip})`}`,
    async () => {
      await npmInstall(project, ['pg', '@prisma/adapter-pg'], prebuilds);
      const migrate = await inProject(bin('eventforge'), ['migrate'], env);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stdout).toContain(`(schema ${schema}) (0 applied before)`);
      const app = await inProject(process.execPath, ['dist/main.js'], env);
      expect(app.stderr).toBe('');
      expect(app.stdout).toBe('{"name":"Groceries","items":["milk","bread"]}\nstored in postgresql\n');
    },
  );
});
