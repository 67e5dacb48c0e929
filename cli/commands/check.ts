/** `eventforge check [paths...] [--against …] [--json]`: validates schemas and prints every problem; writes nothing. */
import { jsonReport } from '../../generator/report/json.js';
import { resolve } from 'node:path';
import { EXIT, stringFlag, type CliCommand, type CliIo } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { cacheFolder } from '../files/cache-folder.js';
import { generatorFingerprint } from '../files/build-cache.js';
import { cachedTypeScript } from '../files/cached-typescript.js';
import { cachedDiagnostics, checkKey, recordDiagnostics } from '../files/check-cache.js';
import { readRevision } from '../files/read-revision.js';
import { upcasterFindingStore } from '../files/upcaster-findings.js';
import { displayPath, readNamedModules, readSources } from '../files/read-sources.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'validate schemas and print every problem (writes nothing)',
  usage:
    'eventforge check [paths...] [--against <file|folder|git revision>] [--json] [--no-cache] [--config FILE]   ' +
    "(default: the config file's schemas, else schemas/; an unchanged re-run is answered from node_modules/.cache)",
  options: {
    against: { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
    config: { type: 'string' },
  },
  run: async (args, io) => {
    const against = stringFlag(args, 'against');
    const options = {
      ...(against === undefined ? {} : { against }),
      json: args.values['json'] === true,
      cache: args.values['no-cache'] !== true,
    };
    if (args.positionals.length > 0) return runCheck(args.positionals, io, options);
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    return runCheck(config.schemas, io, options);
  },
};

async function runCheck(
  paths: readonly string[],
  io: CliIo,
  options: { against?: string; json: boolean; cache: boolean },
): Promise<number> {
  const start = performance.now();
  const sources = await readSources(io.cwd, paths);
  if (sources.length === 0) {
    io.err(
      `eventforge: no schema files (*.domain.yaml) in ${paths.map((p) => displayPath(io.cwd, resolve(io.cwd, p))).join(', ')}`,
    );
    return EXIT.failed;
  }
  const modules = await readNamedModules(io.cwd, sources);
  // --against reads another revision, which the key does not cover: such runs are never cached.
  const cache = options.cache && options.against === undefined ? { cwd: io.cwd, paths, sources, modules } : undefined;
  const key = cache === undefined ? undefined : await checkKey(cache);
  let diagnostics = cache === undefined || key === undefined ? undefined : await cachedDiagnostics(cache, key);
  if (diagnostics === undefined) {
    // Checking needs no emitter: compileWith(…, []) keeps them unloaded.
    const { compileWith } = await import('../../generator/pipeline.js');
    const { withAgainst } = await import('../../generator/against/index.js');
    const result = compileWith(
      {
        sources,
        modules,
        skipEmit: true,
        typescript: () => cachedTypeScript(cacheFolder(io.cwd)),
        // --no-cache checks every module afresh too.
        ...(options.cache
          ? { upcasterFindings: upcasterFindingStore(cacheFolder(io.cwd), await generatorFingerprint()) }
          : {}),
      },
      [],
    );
    const currentPaths = sources.map((s) => s.path);
    diagnostics = withAgainst(
      result,
      options.against,
      (target) => readRevision(target, currentPaths, io.cwd),
      (s) => compileWith({ sources: s, skipEmit: true }, []),
    );
    if (cache !== undefined && key !== undefined) await recordDiagnostics(cache, key, diagnostics);
  }
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
