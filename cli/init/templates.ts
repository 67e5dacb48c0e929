/**
 * The files `eventforge init` writes: a small project that runs with `npm install` and
 * `npm start` (generate, tsc, node) on the embedded SQLite file, and tests with vitest.
 */

/** What the templates are filled with. */
export interface ScaffoldValues {
  /** The package name of the new project. */
  readonly name: string;
  /** The project's dependencies (eventforge and what it needs beside it), name → version range. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** The project's devDependencies (typescript, @types/node, vitest), name → version range. */
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** Path (relative to the project folder) → contents, in the order they are listed. */
export function scaffoldFiles(values: ScaffoldValues): ReadonlyMap<string, string> {
  return new Map([
    ['package.json', packageJson(values)],
    ['eventforge.config.ts', CONFIG],
    ['tsconfig.json', TSCONFIG],
    ['.gitignore', GITIGNORE],
    ['schemas/todos.domain.yaml', SCHEMA],
    ['src/todos.ts', APPLICATION],
    ['src/main.ts', MAIN],
    ['src/todos.test.ts', TEST],
  ]);
}

function packageJson(values: ScaffoldValues): string {
  const pkg = {
    name: values.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      generate: 'eventforge generate',
      check: 'eventforge check',
      migrate: 'eventforge migrate',
      build: 'eventforge generate && tsc',
      start: 'npm run build && node dist/main.js',
      test: 'eventforge generate && vitest run --dir src',
    },
    dependencies: sorted(values.dependencies),
    devDependencies: sorted(values.devDependencies),
    // npm asks which packages may run install scripts: the SQLite driver builds its native addon.
    allowScripts: { 'better-sqlite3': true },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const CONFIG = `import { defineConfig } from 'eventforge/config';

// Paths are relative to this file; flags of the commands override them.
export default defineConfig({
  schemas: 'schemas',
  out: 'src/generated',
  migrations: 'migrations',
  providers: ['sqlite', 'postgresql'],
});
`;

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    // The generated validators are JavaScript (with a .d.ts beside them): tsc copies them to dist/.
    "allowJs": true,
    "rootDir": "src",
    "outDir": "dist",
    "sourceMap": true,
    "skipLibCheck": true
  },
  "include": ["src"]
}
`;

const GITIGNORE = `node_modules/
dist/
*.sqlite
*.sqlite-wal
*.sqlite-shm
`;

const SCHEMA = `# yaml-language-server: $schema=../node_modules/eventforge/domain.schema.json
domain: Todos
description: To-do lists. Replace it with your domain; \`npm run generate\` after each change.
aggregates:
  TodoList:
    description: A named list of things to do.
    state:
      fields:
        name: string
        items: string[]
    events:
      Started:
        description: A list was started.
        creates: true
        fields:
          name: { type: string, minLength: 1, maxLength: 100 }
      ItemAdded:
        description: Something to do was added to the list.
        fields:
          item: { type: string, minLength: 1, maxLength: 200 }
        apply: { push: { items: item } }
`;

const APPLICATION = `import { Application, type ApplicationOptions } from 'eventforge/runtime';
import { TodoListBase, todosDomain } from './generated/todos/index.js';

/** A to-do list: the generated base class gives \`create\`, the getters and \`triggerItemAdded\`; the commands are yours. */
export class TodoList extends TodoListBase {
  addItem(item: string): void {
    this.triggerItemAdded({ item });
  }
}

/** The application: commands change lists, queries read them. Where events go is DATABASE_URL's choice. */
export class Todos extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [todosDomain] });
  }

  readonly lists = this.repository(TodoList);

  async startList(name: string): Promise<string> {
    const list = TodoList.create({ name });
    await this.save(list);
    return list.id;
  }

  async addItem(listId: string, item: string): Promise<void> {
    const list = await this.lists.get(listId);
    list.addItem(item);
    await this.save(list); // ConcurrencyError if someone else saved the list meanwhile
  }

  async getList(listId: string): Promise<{ name: string; items: readonly string[] }> {
    const list = await this.lists.get(listId);
    return { name: list.name, items: list.items };
  }
}
`;

const MAIN = `import { Todos } from './todos.js';

const app = new Todos();
try {
  const listId = await app.startList('Groceries');
  await app.addItem(listId, 'milk');
  await app.addItem(listId, 'bread');
  console.log(JSON.stringify(await app.getList(listId)));
  const store = app.config.store;
  console.log(store.kind === 'sqlite' ? \`stored in \${store.filename}\` : \`stored in \${store.kind}\`);
} finally {
  await app.close();
}
`;

const TEST = `import { afterEach, expect, test } from 'vitest';
import { Todos } from './todos.js';

let app: Todos | undefined;
afterEach(() => app?.close());

test('a list keeps its items in order', async () => {
  app = new Todos({ env: { DATABASE_URL: 'memory:' } });
  const listId = await app.startList('Groceries');
  await app.addItem(listId, 'milk');
  await app.addItem(listId, 'bread');
  expect(await app.getList(listId)).toEqual({ name: 'Groceries', items: ['milk', 'bread'] });
});
`;
