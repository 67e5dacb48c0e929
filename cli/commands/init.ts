/** `eventforge init [dir]`: scaffolds a project (the work is in cli/init/, loaded on use). */
import { resolve } from 'node:path';
import { EXIT, stringFlag, usageError, type CliCommand } from '../command.js';
import { displayPath } from '../files/read-sources.js';

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'create a project: config, a schema, an application, a test, npm scripts, tsconfig',
  usage:
    'eventforge init [dir] [--eventforge-version SPEC] [--cli-version SPEC]   ' +
    "(default: the current folder; SPEC is what the project's package.json names for eventforge and for " +
    '@eventforge/cli, default ^<this version>)',
  options: { 'eventforge-version': { type: 'string' }, 'cli-version': { type: 'string' } },
  run: async (args, io) => {
    if (args.positionals.length > 1) return usageError(io, 'init takes one folder, e.g. `eventforge init my-app`');
    const dir = resolve(io.cwd, args.positionals[0] ?? '.');
    const shown = displayPath(io.cwd, dir) || '.';
    const eventforgeVersion = stringFlag(args, 'eventforge-version');
    const cliVersion = stringFlag(args, 'cli-version');
    const { scaffold } = await import('../init/scaffold.js');
    const result = await scaffold(dir, {
      ...(eventforgeVersion === undefined ? {} : { eventforgeVersion }),
      ...(cliVersion === undefined ? {} : { cliVersion }),
    });
    if (result.kind === 'exists') {
      io.err(
        `eventforge init: ${shown} already has ${result.files.join(', ')}; nothing was written. ` +
          'Run init in a new or empty folder (`eventforge init my-app`), or move those files away first.',
      );
      return EXIT.failed;
    }
    for (const file of result.files) io.out(`  created ${shown === '.' ? '' : `${shown}/`}${file}`);
    io.out(
      [
        `eventforge init: a project in ${shown}. Next:`,
        '',
        ...(shown === '.' ? [] : [`  cd ${shown}`]),
        '  npm install',
        '  npm start        # generate, compile with tsc, run dist/main.js on ./eventforge.sqlite',
        '  npm test         # vitest, on the in-memory store',
        '',
        'Then edit schemas/todos.domain.yaml and src/todos.ts; `npm run check` shows schema errors,',
        '`npm run migrate` prepares a database (DATABASE_URL=postgresql://… for PostgreSQL).',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
