/** `eventforge catalog`: compiles the schemas and writes the event catalog, a static site, to the output folder. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SystemDef } from '../../generator/emit/catalog/index.js';
import { EXIT, stringFlag, stringsFlag, type CliCommand, type CliIo } from '../command.js';
import { projectConfig } from '../config/project-config.js';
import { displayPath, readSources } from '../files/read-sources.js';
import { countOf, elapsed, plural, printDiagnostics } from '../print.js';

export const catalogCommand: CliCommand = {
  name: 'catalog',
  summary: 'write the event catalog: a static site of the domains, their events, versions and diagrams',
  usage:
    "eventforge catalog [--schemas DIR] [--out DIR] [--system FILE]... [--config FILE]   (defaults: the config file's schemas, else schemas/ → catalog/; --system: a module exporting Systems, drawn with their pipes; repeatable; default: the config's systems)",
  options: {
    schemas: { type: 'string' },
    system: { type: 'string', multiple: true },
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
    const { catalogFiles, systemProblems } = await import('../../generator/emit/catalog/index.js');
    const flags = stringsFlag(args, 'system');
    const systems = await readSystems(flags.length > 0 ? flags : config.systems, io);
    if (typeof systems === 'string') {
      io.err(`eventforge catalog: ${systems}`);
      return EXIT.failed;
    }
    const problems = systemProblems(result.project, systems);
    if (problems.length > 0) {
      for (const problem of problems) io.err(`eventforge catalog: ${problem}`);
      io.out(
        `eventforge catalog: ${plural(problems.length, 'error')} in the system; nothing written (${elapsed(start)})`,
      );
      return EXIT.failed;
    }
    // Each page is written while the next renders.
    const { writeStreamed } = await import('../files/write-streamed.js');
    const plan = await writeStreamed(outDir, catalogFiles(result.project, systems));
    const shownOut = displayPath(io.cwd, outDir) || '.';
    const drawn = systems.length === 0 ? '' : `, ${plural(systems.length, 'system')}`;
    io.out(
      `eventforge catalog: ${domains}${drawn}, ${plural(plan.created.length + plan.changed.length, 'file')} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed; open ${shownOut}/index.html (${elapsed(start)})`,
    );
    return EXIT.ok;
  },
};

/** The systems the `--system` modules export (none without the flag), or why they cannot be read. */
async function readSystems(flags: readonly string[], io: CliIo): Promise<SystemDef[] | string> {
  if (flags.length === 0) return [];
  const { describeSystems, SystemModuleError } = await import('../catalog/describe-system.js');
  const systems: SystemDef[] = [];
  for (const flag of flags) {
    const file = resolve(io.cwd, flag);
    if (!existsSync(file))
      return `${displayPath(io.cwd, file)}: no such file (a system module, from --system or the config's "systems")`;
    try {
      systems.push(...(await describeSystems(file, displayPath(io.cwd, file))));
    } catch (error) {
      if (error instanceof SystemModuleError) return error.message;
      throw error;
    }
  }
  return systems;
}
