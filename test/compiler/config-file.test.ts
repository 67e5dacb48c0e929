/**
 * The config file (eventforge.config.{ts,mts,js,mjs,json}) through the CLI on real temporary
 * folders: found from the working directory upwards or by --config, its paths relative to its
 * folder, flags over it, every key checked with the file and key named, and the migrations folder
 * shared by `generate` (which keeps the store's migrations there) and `migrate` (which applies them).
 */
import Database from 'better-sqlite3';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';
import { readMigrations, storeMigrationsDir } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const repo = join(import.meta.dirname, '..', '..');
let dir: string;

async function run(argv: string[], cwd = dir): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out, err };
}

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function files(root: string): string[] {
  if (!existsSync(root)) return [];
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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-config-'));
  mkdirSync(join(dir, 'domain'));
  copyFileSync(join(repo, 'schemas', 'dog-school.domain.yaml'), join(dir, 'domain', 'dog-school.domain.yaml'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('finding and reading the config file', () => {
  it('reads eventforge.config.json: generate and check use its folders', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "out": "src/generated" }\n');
    const generated = await run(['generate']);
    expect(generated.err).toEqual([]);
    expect(generated.code).toBe(0);
    expect(files(join(dir, 'src', 'generated'))).toContain('dog-school/index.ts');
    expect(existsSync(join(dir, 'generated'))).toBe(false);
    const checked = await run(['check']);
    expect(checked.code).toBe(0);
    expect(checked.out.at(-1)).toMatch(/^eventforge check: 1 domain, 0 errors/);
  });

  it('reads a TypeScript config through jiti, types and all', async () => {
    write(
      'eventforge.config.ts',
      [
        "type Provider = 'sqlite' | 'postgresql';",
        "const providers: Provider[] = ['sqlite'];",
        "export default { schemas: ['domain'], out: 'ts-out' as string, providers };",
        '',
      ].join('\n'),
    );
    const result = await run(['generate']);
    expect(result.err).toEqual([]);
    expect(files(join(dir, 'ts-out'))).toContain('dog-school/index.ts');
  });

  it('reads an ES module config (.mjs) by its default export', async () => {
    write('eventforge.config.mjs', "export default { schemas: 'domain', out: 'mjs-out' };\n");
    expect((await run(['generate'])).code).toBe(0);
    expect(files(join(dir, 'mjs-out'))).toContain('dog-school/index.ts');
  });

  it('is found from a subfolder upwards, and its paths are relative to its own folder', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "out": "src/generated" }\n');
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    const result = await run(['generate'], join(dir, 'src', 'deep'));
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(files(join(dir, 'src', 'generated'))).toContain('dog-school/index.ts');
    expect(existsSync(join(dir, 'src', 'deep', 'src'))).toBe(false);
  });

  it('--config names the file; flags override its keys, relative to where the command runs', async () => {
    write('config/eventforge.json', '{ "schemas": "../domain", "out": "../from-config" }\n');
    const result = await run(['generate', '--config', 'config/eventforge.json', '--out', 'from-flag']);
    expect(result.code).toBe(0);
    expect(files(join(dir, 'from-flag'))).toContain('dog-school/index.ts');
    expect(existsSync(join(dir, 'from-config'))).toBe(false);
    const missing = await run(['generate', '--config', 'nowhere.json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual(['eventforge: --config nowhere.json: no such file']);
  });

  it('without a config file the defaults hold: schemas/ → generated/', async () => {
    mkdirSync(join(dir, 'schemas'));
    copyFileSync(join(dir, 'domain', 'dog-school.domain.yaml'), join(dir, 'schemas', 'dog-school.domain.yaml'));
    expect((await run(['generate'])).code).toBe(0);
    expect(files(join(dir, 'generated'))).toContain('dog-school/index.ts');
  });

  it('runtimeImport sets the module generated code imports the runtime from; --runtime-import overrides it', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "runtimeImport": "@acme/eventforge/runtime" }\n');
    expect((await run(['generate'])).code).toBe(0);
    const aggregates = readFileSync(join(dir, 'generated', 'dog-school', 'aggregates.ts'), 'utf8');
    expect(aggregates).toContain("from '@acme/eventforge/runtime'");
    expect(aggregates).not.toContain("from 'eventforge/runtime'");
    expect((await run(['generate', '--runtime-import', 'eventforge/runtime'])).code).toBe(0);
    expect(readFileSync(join(dir, 'generated', 'dog-school', 'aggregates.ts'), 'utf8')).toContain(
      "from 'eventforge/runtime'",
    );
  });
});

describe('mistakes in the config file', () => {
  const cases: [string, string, string][] = [
    [
      'an unknown key, with the nearest',
      '{ "schema": "domain" }',
      'eventforge: eventforge.config.json: unknown key "schema"; did you mean "schemas"? (the keys: schemas, out, migrations, providers, runtimeImport, systems, prisma)',
    ],
    [
      'a key of the wrong type',
      '{ "out": 3 }',
      'eventforge: eventforge.config.json: "out" must be a folder path (a non-empty string, relative to the config file), got number 3',
    ],
    [
      'a wrong entry in a list',
      '{ "schemas": ["domain", false] }',
      'eventforge: eventforge.config.json: "schemas[1]" must be a folder path (a non-empty string, relative to the config file), got boolean false',
    ],
    [
      'an unknown provider',
      '{ "providers": ["sqlite3"] }',
      'eventforge: eventforge.config.json: "providers" lists "sqlite3", not a provider eventforge stores events on (sqlite, postgresql); did you mean "sqlite"?',
    ],
    [
      'not an object',
      '["domain"]',
      'eventforge: eventforge.config.json: expected the config as an object (`export default defineConfig({ … })`), got an array',
    ],
  ];
  it.each(cases)('%s: says which file and key, exits 1, writes nothing', async (_, json, message) => {
    write('eventforge.config.json', `${json}\n`);
    const result = await run(['generate']);
    expect(result.err).toEqual([message]);
    expect(result.code).toBe(1);
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('invalid JSON, a TypeScript config that throws, two configs in one folder', async () => {
    write('eventforge.config.json', '{ "out": }\n');
    expect((await run(['check'])).err[0]).toMatch(/^eventforge: eventforge\.config\.json: not valid JSON: /);
    rmSync(join(dir, 'eventforge.config.json'));
    write('eventforge.config.ts', "throw new Error('no config today');\nexport default {};\n");
    expect((await run(['check'])).err).toEqual([
      'eventforge: eventforge.config.ts: cannot load the config: no config today',
    ]);
    write('eventforge.config.json', '{}\n');
    expect((await run(['check'])).err).toEqual([
      'eventforge: . holds eventforge.config.ts and eventforge.config.json; keep one (or pick one with --config)',
    ]);
  });
});

describe('the migrations folder: generate keeps the store migrations there, migrate applies them', () => {
  const storeFiles = (provider: 'sqlite' | 'postgresql') => files(storeMigrationsDir(provider));

  it('generate writes the migrations of the configured providers byte for byte, once', async () => {
    write(
      'eventforge.config.json',
      '{ "schemas": "domain", "migrations": "db/migrations", "providers": ["sqlite"] }\n',
    );
    const first = await run(['generate']);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(
      `eventforge generate: the event store's migrations: ${storeFiles('sqlite').length} files written to db/migrations/`,
    );
    const kept = join(dir, 'db', 'migrations');
    expect(files(kept)).toEqual(storeFiles('sqlite').map((f) => `sqlite/${f}`));
    for (const file of storeFiles('sqlite'))
      expect(readFileSync(join(kept, 'sqlite', file))).toEqual(readFileSync(join(storeMigrationsDir('sqlite'), file)));
    const second = await run(['generate']);
    expect(second.out.at(-1)).toMatch(/^eventforge generate: 1 domain, 0 files written/);
    expect((await run(['generate', '--check'])).code).toBe(0);
  });

  it('--check reports missing migrations; an edited one stops generate before anything is written', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "migrations": "migrations" }\n');
    const check = await run(['generate', '--check']);
    expect(check.code).toBe(1);
    expect(check.out).toContain('  would create migrations/postgresql/migration_lock.toml');
    expect(check.out.at(-1)).toMatch(/migrations missing from migrations\/; run `eventforge generate`$/);
    expect(existsSync(join(dir, 'migrations'))).toBe(false);

    expect((await run(['generate'])).code).toBe(0);
    const [migration] = storeFiles('postgresql').filter((f) => f.endsWith('migration.sql'));
    const edited = join(dir, 'migrations', 'postgresql', migration ?? '');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}-- mine\n`);
    rmSync(join(dir, 'generated'), { recursive: true });
    const refused = await run(['generate']);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      `eventforge: migrations/postgresql/${migration} differs from the event store's migration eventforge ships; ` +
        'restore it (delete the file and run `eventforge generate`) and put changes of your own in a new migration folder; nothing written',
    ]);
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('migrate applies the migrations from the config folder (and its own beside them) to SQLite', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "migrations": "migrations", "providers": ["sqlite"] }\n');
    const file = join(dir, 'app.sqlite');
    const before = await run(['migrate', '--database', `file:${file}`]);
    expect(before.code).toBe(1);
    expect(before.err).toEqual([
      'eventforge migrate: no sqlite migrations at migrations/sqlite (the "migrations" folder of eventforge.config.json); run `eventforge generate` to write them there; nothing was applied',
    ]);
    expect(existsSync(file)).toBe(false);

    expect((await run(['generate'])).code).toBe(0);
    write(
      'migrations/sqlite/20270101000000_topic_index/migration.sql',
      'CREATE INDEX "mine_topic" ON "events"("topic");\n',
    );
    const applied = await run(['migrate', '--database', `file:${file}`]);
    expect(applied.err).toEqual([]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('applied 20270101000000_topic_index');
    const db = new Database(file, { readonly: true });
    try {
      const names = db.prepare('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name').pluck().all();
      expect(names).toEqual([
        ...storeFiles('sqlite')
          .filter((f) => f.endsWith('.sql'))
          .map((f) => f.split('/')[0]),
        '20270101000000_topic_index',
      ]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'mine_topic'").pluck().get()).toBe('mine_topic');
    } finally {
      db.close();
    }
  });

  it('migrate and reencrypt refuse a database whose provider the config does not list, and touch nothing', async () => {
    write('eventforge.config.json', '{ "schemas": "domain", "providers": ["postgresql"] }\n');
    const file = join(dir, 'stray.sqlite');
    const result = await run(['migrate', '--database', `file:${file}`]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `eventforge migrate: the database is sqlite (${file}), but eventforge.config.json lists only postgresql in "providers"; ` +
        'set DATABASE_URL (or --database) to the database you meant, or add the provider there; nothing was applied',
    ]);
    expect(existsSync(file)).toBe(false);
    const reencrypt = await run(['reencrypt', '--database', `file:${file}`]);
    expect(reencrypt.code).toBe(1);
    expect(reencrypt.err).toEqual([
      `eventforge reencrypt: the database is sqlite (${file}), but eventforge.config.json lists only postgresql in "providers"; ` +
        'set DATABASE_URL (or --database) to the database you meant, or add the provider there; nothing was changed',
    ]);
    expect(existsSync(file)).toBe(false);
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `migrate from the config folder on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const schemas = new SchemaPool('wtconfig');
    afterAll(() => schemas.dropAll());

    it('applies migrations/postgresql to the schema of the URL, then finds nothing pending', async () => {
      write('eventforge.config.json', '{ "schemas": "domain", "migrations": "migrations" }\n');
      expect((await run(['generate'])).code).toBe(0);
      const schema = schemas.next();
      const url = `${TEST_DATABASE_URL}?schema=${schema}`;
      const applied = await run(['migrate', '--database', url]);
      expect(applied.err).toEqual([]);
      expect(applied.code).toBe(0);
      expect(applied.out.at(-1)).toMatch(
        new RegExp(
          `^eventforge migrate: applied ${readMigrations(storeMigrationsDir('postgresql'), 'postgresql').length} to `,
        ),
      );
      expect((await run(['migrate', '--database', url, '--status'])).code).toBe(0);
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      try {
        const { rows } = await client.query('SELECT migration_name FROM ' + `"${schema}"._prisma_migrations`);
        expect(rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(
          storeFiles('postgresql')
            .filter((f) => f.endsWith('.sql'))
            .map((f) => f.split('/')[0]),
        );
      } finally {
        await client.end();
      }
    });

    function storeFiles(provider: 'sqlite' | 'postgresql'): string[] {
      return files(storeMigrationsDir(provider));
    }
  },
);
