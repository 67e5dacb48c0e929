// Stages the second package, @eventforge/cli (the `eventforge` command, the compiler, the language
// server, the catalog, and the libraries only they load), in dist/cli-package/ from the build in
// dist/: the repository root is the runtime package `eventforge`, whose production install stays
// small. `npm pack ./dist/cli-package` packs it. Its package.json is made from the root one, so the
// version and the dependency ranges have one source.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const stage = join(root, 'dist', 'cli-package');
const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The command's and compiler's libraries: devDependencies of the root (the runtime needs none of them). */
const DEPENDENCIES = [
  '@dagrejs/dagre',
  '@ts-morph/common',
  'ajv',
  'chokidar',
  'decimal.js',
  'handlebars',
  'jiti',
  'vscode-languageserver',
  'vscode-languageserver-textdocument',
  'yaml',
];

function range(name) {
  const found = own.dependencies?.[name] ?? own.devDependencies?.[name];
  if (found === undefined) throw new Error(`stage-cli-package: ${name} is in no dependency list of package.json`);
  return found;
}

const manifest = {
  name: '@eventforge/cli',
  version: own.version,
  description:
    'The eventforge command: init, generate, check, migrate, run, the catalog and the language server. ' +
    'A devDependency beside eventforge (the runtime), at the same version.',
  type: 'module',
  license: own.license,
  files: ['dist/', '!dist/**/*.tsbuildinfo'],
  engines: own.engines,
  bin: { eventforge: './dist/cli/bin.js' },
  exports: {
    './generator': { types: './dist/generator/index.d.ts', default: './dist/generator/index.js' },
    './package.json': './package.json',
  },
  dependencies: Object.fromEntries(DEPENDENCIES.map((name) => [name, range(name)])),
  // The application's own eventforge, at exactly this version: the command runs `migrate`, `run` and
  // the projections on the runtime the application runs (one copy, one set of classes), through
  // `eventforge/runtime/command`, which is no stable API. The drivers as eventforge has them.
  peerDependencies: { eventforge: own.version, ...own.peerDependencies },
  peerDependenciesMeta: own.peerDependenciesMeta,
  // What `eventforge init` writes into a new project's devDependencies is read from here
  // (DEV_PACKAGES of cli/init/scaffold.ts); the repository's own tools stay out of the manifest.
  devDependencies: Object.fromEntries(
    ['typescript', '@types/node', 'vitest'].map((name) => [name, own.devDependencies[name]]),
  ),
};

mkdirSync(stage, { recursive: true });
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const path of ['dist/cli', 'dist/generator', 'dist/docs']) {
  cpSync(join(root, path), join(stage, path), { recursive: true });
}
for (const file of ['README.md', 'LICENSE']) cpSync(join(root, file), join(stage, file));
