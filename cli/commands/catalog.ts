/** `eventforge catalog`: compiles the schemas and writes the event catalog, a static site, to the output folder. */
import { resolve } from 'node:path';
import { EXIT, stringFlag, type CliCommand } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { planOutput } from '../files/plan-output.js';
import { displayPath, readSources } from '../files/read-sources.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const catalogCommand: CliCommand = {
  name: 'catalog',
  summary: 'write the event catalog: a static site of the domains, their events, versions and diagrams',
  usage:
    "eventforge catalog [--schemas DIR] [--out DIR] [--config FILE]   (defaults: the config file's schemas, else schemas/ → catalog/)",
  options: {
    schemas: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
  },
  run: async (args, io) => {
    const start = performance.now();
    const config = await projectConfig(io.cwd, stringFlag(args, 'config'));
    const schemasFlag = stringFlag(args, 'schemas');
    const schemaPaths = schemasFlag === undefined ? [config.schemas].flat() : [resolve(io.cwd, schemasFlag)];
    const outDir = resolve(io.cwd, stringFlag(args, 'out') ?? 'catalog');
    const sources = await readSources(io.cwd, schemaPaths);
    if (sources.length === 0) {
      io.err(
        `eventforge: no schema files (*.domain.yaml) in ${schemaPaths.map((path) => displayPath(io.cwd, resolve(io.cwd, path))).join(', ')}`,
      );
      return EXIT.failed;
    }
    // No upcasters modules: the catalog names their functions but needs no type check of them
    // (that loads TypeScript; `check` and `generate` do it).
    const { compileWith } = await import('../../generator/pipeline.js');
    const result = compileWith({ sources, skipEmit: true }, []);
    const { errors, warnings } = printDiagnostics(io, result.diagnostics, sources);
    const domains = plural(sources.length, 'domain');
    if (result.project === undefined || errors > 0) {
      io.out(
        `eventforge catalog: ${domains}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing written (${elapsed(start)})`,
      );
      return EXIT.failed;
    }
    const { emitCatalog } = await import('../../generator/emit/catalog/index.js');
    const plan = await planOutput(outDir, emitCatalog(result.project));
    const { applyPlan } = await import('../files/apply-plan.js');
    await applyPlan(outDir, plan);
    const shownOut = displayPath(io.cwd, outDir) || '.';
    io.out(
      `eventforge catalog: ${domains}, ${plural(plan.toWrite.length, 'file')} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed; open ${shownOut}/index.html (${elapsed(start)})`,
    );
    return EXIT.ok;
  },
};
