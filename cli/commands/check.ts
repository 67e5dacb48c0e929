/** `eventforge check [paths...] [--against …] [--json]`: validates schemas and prints every problem; writes nothing. */
import { jsonReport } from '../../generator/report/json.js';
import { resolve } from 'node:path';
import { EXIT, stringFlag, type CliCommand, type CliIo } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { readRevision } from '../files/read-revision.js';
import { displayPath, readNamedModules, readSources } from '../files/read-sources.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'validate schemas and print every problem (writes nothing)',
  usage:
    'eventforge check [paths...] [--against <file|folder|git revision>] [--json] [--config FILE]   ' +
    "(default: the config file's schemas, else schemas/)",
  options: { against: { type: 'string' }, json: { type: 'boolean', default: false }, config: { type: 'string' } },
  run: async (args, io) => {
    const against = stringFlag(args, 'against');
    const options = { ...(against === undefined ? {} : { against }), json: args.values['json'] === true };
    if (args.positionals.length > 0) return runCheck(args.positionals, io, options);
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    return runCheck(config.schemas, io, options);
  },
};

async function runCheck(
  paths: readonly string[],
  io: CliIo,
  options: { against?: string; json: boolean },
): Promise<number> {
  const start = performance.now();
  const sources = await readSources(io.cwd, paths);
  if (sources.length === 0) {
    io.err(
      `eventforge: no schema files (*.domain.yaml) in ${paths.map((p) => displayPath(io.cwd, resolve(io.cwd, p))).join(', ')}`,
    );
    return EXIT.failed;
  }
  // Checking needs no emitter: compileWith(…, []) keeps them unloaded.
  const { compileWith } = await import('../../generator/pipeline.js');
  const { withAgainst } = await import('../../generator/against/index.js');
  const result = compileWith({ sources, modules: await readNamedModules(io.cwd, sources), skipEmit: true }, []);
  const currentPaths = sources.map((s) => s.path);
  const diagnostics = withAgainst(
    result,
    options.against,
    (target) => readRevision(target, currentPaths, io.cwd),
    (s) => compileWith({ sources: s, skipEmit: true }, []),
  );
  if (options.json) {
    io.out(jsonReport(diagnostics, sources.length));
    return countOf(diagnostics).errors > 0 ? EXIT.failed : EXIT.ok;
  }
  const { errors, warnings } = printDiagnostics(io, diagnostics, sources);
  io.out(
    `eventforge check: ${plural(sources.length, 'domain')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${elapsed(start)})`,
  );
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
