/**
 * `eventforge projections rebuild NAME`: rebuilds a declarative view on the store `DATABASE_URL`
 * (or `--database`) names, by swap: replayed from the start of the log into a shadow table and
 * swapped in once caught up, so readers never see it half built.
 *
 * The view is looked up in the config's schemas (the compiler's IR says whether it exists and
 * whether its handlers are declarative, and gives its shape). Replaying needs the events decoded,
 * which only the generated transcoders do, so the generated module is imported too (the config's
 * out folder, or `--module` for its compiled JavaScript); its definition must have the schema's
 * shape, else the generated code is stale and the rebuild is refused. Custom-handler views are
 * the application's to rebuild (`ProjectionRunner.rebuild()`), since their code is the app's.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ViewDef } from '../../generator/ir/model.js';
import { Application, EventforgeError, type DomainDescriptor, type ViewDefinition } from 'eventforge/runtime';
import { readStore, rebuildBySwap } from 'eventforge/runtime/command';
import { EXIT, type CliIo } from '../command.js';
import { displayPath, readNamedModules, readSources } from '../files/read-sources.js';
import { unlistedProvider, type ProviderRule } from './listed-provider.js';

export interface RebuildOptions {
  readonly name: string;
  /** The config's schemas and out folder. */
  readonly schemas: readonly string[];
  readonly out: string;
  /** The generated module to import (its index, compiled or not); `<out>/index.js` or `.ts` by default. */
  readonly module?: string;
  readonly database?: string;
  readonly providerRule?: ProviderRule;
}

/** Rebuilds the view; resolves to the exit code. */
export async function runRebuild(options: RebuildOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const fail = (message: string, code: number = EXIT.failed): number => {
    io.err(`eventforge projections rebuild: ${message}`);
    return code;
  };
  const found = await viewInSchemas(options, io);
  if (typeof found === 'string') return fail(found);
  const { view, domain } = found;
  if (view.on.some((on) => on.handler.kind === 'custom'))
    return fail(
      `view ${view.name} has custom handlers, which are the application's code (and may write tables of its own): ` +
        'rebuild it from the application, with `await runner.rebuild()` on the ProjectionRunner of its projection ' +
        "(it recreates the view's table and replays the log; empty your own tables first)",
    );
  const store = readStore(options.database === undefined ? env : { ...env, DATABASE_URL: options.database });
  if (store.kind === 'memory')
    return fail('the in-memory store lives in its process; pass --database file:… or postgresql://…', EXIT.usage);
  const refusal = unlistedProvider(store, options.providerRule);
  if (refusal !== undefined) return fail(refusal);

  const generated = await generatedModule(options, io);
  if (typeof generated === 'string') return fail(generated);
  const definition = generated.views.find((v) => v.name === view.name);
  const { shapeHash } = await import('../../generator/emit/views/view-sql.js');
  if (definition === undefined || definition.shapeHash !== shapeHash(view))
    return fail(
      `the generated code in ${generated.where} ${definition === undefined ? `has no view ${view.name}` : `declares view ${view.name} with another shape than the schema`}: ` +
        'run `eventforge generate` (and build it, if you pass --module) first',
    );

  const app = new Application({
    name: 'eventforge-cli',
    // Only the view's domain: its events are the ones replayed (other domains' keys need not be set).
    domains: generated.domains.filter((d) => d.name === domain),
    env: { ...env, ...(options.database === undefined ? {} : { DATABASE_URL: options.database }) },
  });
  try {
    await rebuildBySwap(app, definition);
    io.out(
      `eventforge projections: ${view.name} rebuilt into a fresh table and swapped in (table "${view.table}"). ` +
        "A runner of it that was running stops at its next batch (its position moved): restart it; it continues from the rebuilt view's position",
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof EventforgeError) return fail(error.message);
    throw error;
  } finally {
    await app.close();
  }
}

/** The view named in the config's schemas, or why not. */
async function viewInSchemas(options: RebuildOptions, io: CliIo): Promise<{ view: ViewDef; domain: string } | string> {
  const sources = await readSources(io.cwd, options.schemas);
  if (sources.length === 0) return `no schema files (*.domain.yaml) in ${options.schemas.join(', ')}`;
  const modules = await readNamedModules(io.cwd, sources);
  const { compileWith } = await import('../../generator/pipeline.js');
  const { project } = compileWith({ sources, modules, skipEmit: true }, []);
  if (project === undefined) return 'the schemas have errors: see `eventforge check`';
  const views = project.domains.flatMap((d) => d.views.map((view) => ({ view, domain: d.name })));
  const found = views.find((v) => v.view.name === options.name);
  if (found !== undefined) return found;
  return `no view ${options.name} in the schemas (views: ${views.map((v) => v.view.name).join(', ') || 'none'})`;
}

/** The generated index files: `--module`, else `<out>/index` and `<out>/<domain>/index` (compiled `.js` first). */
function generatedIndexes(options: RebuildOptions, io: CliIo): string[] {
  if (options.module !== undefined) return [resolve(io.cwd, options.module)];
  const folders = [options.out, ...subfolders(options.out)];
  return folders.flatMap((folder) => {
    const found = ['index.js', 'index.ts'].map((f) => join(folder, f)).find((f) => existsSync(f));
    return found === undefined ? [] : [found];
  });
}

function subfolders(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(folder, e.name))
    .sort();
}

/** The view definitions and domains the generated modules export, or why they cannot be read. */
async function generatedModule(
  options: RebuildOptions,
  io: CliIo,
): Promise<{ views: ViewDefinition[]; domains: DomainDescriptor[]; where: string } | string> {
  const files = generatedIndexes(options, io);
  const where = options.module ?? displayPath(io.cwd, options.out);
  if (files.length === 0 || (options.module !== undefined && !existsSync(files[0]!)))
    return `no generated module in ${where} (run \`eventforge generate\`, or pass --module)`;
  const values: Record<string, unknown>[] = [];
  for (const file of files) {
    try {
      const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const value of Object.values(exports))
        if (typeof value === 'object' && value !== null) values.push(value as Record<string, unknown>);
    } catch (error) {
      return (
        `cannot import ${displayPath(io.cwd, file)} (${(error as Error).message}); ` +
        'pass --module with the compiled JavaScript of the generated index, or run the CLI under tsx'
      );
    }
  }
  const views = values.filter((v) => typeof v['shapeHash'] === 'string' && typeof v['handlers'] === 'object');
  const domains = [...new Set(values.filter((v) => typeof v['name'] === 'string' && Array.isArray(v['aggregates'])))];
  return {
    views: views as unknown as ViewDefinition[],
    domains: domains as unknown as DomainDescriptor[],
    where,
  };
}
