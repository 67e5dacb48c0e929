/**
 * Code generation time on the synthetic schema of 100 aggregates × 10 events
 * × 3 versions (bench/synthetic-schema.ts): `eventforge generate` into an empty folder with no
 * build cache (cold) and again with nothing changed (unchanged re-run, served by the build cache
 * of cli/files/build-cache.ts; also reported with `--no-cache`, i.e. a full compile that
 * writes nothing), each as a fresh CLI process, which is what a build runs. Targets: cold < 3 s,
 * unchanged < 0.5 s. Also reported, from one process: the
 * same two runs in-process (no Node/tsx start-up), the time of each emitter, and as baseline
 * the start-up of the CLI process itself (`eventforge --help`), measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerate } from '../cli/commands/generate.js';
import { emitters } from '../generator/emit/index.js';
import { compile } from '../generator/index.js';
import { ensureBuilt } from './built-cli.js';
import type { BenchReport } from './run.js';
import { syntheticSchema } from './synthetic-schema.js';

const SHAPE = { aggregates: 100, events: 10, versions: 3 } as const;
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'eventforge.js');
const ROUNDS = 3;

function wallMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function cli(cwd: string, args: string[], bin: string = CLI): void {
  execFileSync(process.execPath, [bin, ...args], { cwd, stdio: 'pipe' });
}

export default async function codegenBench(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-codegen-'));
  try {
    mkdirSync(join(dir, 'schemas'));
    const text = syntheticSchema(SHAPE);
    writeFileSync(join(dir, 'schemas', 'synthetic.domain.yaml'), text);
    const args = ['generate', '--schemas', 'schemas', '--out', 'generated'];

    const built = ensureBuilt(report);
    const startup: number[] = [];
    const cold: number[] = [];
    const builtStartup: number[] = [];
    const builtCold: number[] = [];
    const unchanged: number[] = [];
    const uncached: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // The compiled command as a user runs it (no tsx), interleaved with the repository's bin.
      builtStartup.push(wallMs(() => cli(dir, ['--help'], built)));
      rmSync(join(dir, 'generated'), { recursive: true, force: true });
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      builtCold.push(wallMs(() => cli(dir, args, built)));
      startup.push(wallMs(() => cli(dir, ['--help'])));
      rmSync(join(dir, 'generated'), { recursive: true, force: true });
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      cold.push(wallMs(() => cli(dir, args)));
      unchanged.push(wallMs(() => cli(dir, args)));
      uncached.push(wallMs(() => cli(dir, [...args, '--no-cache'])));
    }
    const shape = `${SHAPE.aggregates} aggregates × ${SHAPE.events} events × ${SHAPE.versions} versions`;
    report.add({ schema: shape, run: 'CLI start-up only (--help, baseline)', ms: Math.round(median(startup)) });
    report.add({
      schema: shape,
      run: 'cold generate (fresh process, empty output)',
      ms: Math.round(median(cold)),
      targetMs: 3000,
      meetsTarget: median(cold) < 3000,
    });
    report.add({
      schema: shape,
      run: 'compiled dist/cli/bin.js: start-up only (--help, baseline)',
      ms: Math.round(median(builtStartup)),
    });
    report.add({
      schema: shape,
      run: 'compiled dist/cli/bin.js: cold generate (fresh process, empty output)',
      ms: Math.round(median(builtCold)),
      targetMs: 2000,
      meetsTarget: median(builtCold) < 2000,
      ratioToStartup: Number((median(builtCold) / median(builtStartup)).toFixed(2)),
    });
    report.add({
      schema: shape,
      run: 'unchanged re-run (fresh process)',
      ms: Math.round(median(unchanged)),
      targetMs: 500,
      meetsTarget: median(unchanged) < 500,
      ratioToStartup: Number((median(unchanged) / median(startup)).toFixed(2)),
    });
    report.add({
      schema: shape,
      run: 'unchanged re-run --no-cache (fresh process)',
      ms: Math.round(median(uncached)),
      ratioToStartup: Number((median(uncached) / median(startup)).toFixed(2)),
    });

    // In-process: the first call pays module JIT warm-up, the second is the steady state.
    const io = { cwd: dir, out: () => undefined, err: (line: string) => report.log(line) };
    rmSync(join(dir, 'generated'), { recursive: true, force: true });
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    let start = performance.now();
    await runGenerate({ schemas: 'schemas', out: 'generated', check: false }, io);
    const inCold = performance.now() - start;
    report.add({ schema: shape, run: 'in-process generate (first call)', ms: Math.round(inCold) });
    const inUnchanged: number[] = [];
    const inUncached: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      start = performance.now();
      await runGenerate({ schemas: 'schemas', out: 'generated', check: false }, io);
      inUnchanged.push(performance.now() - start);
      start = performance.now();
      await runGenerate({ schemas: 'schemas', out: 'generated', check: false, cache: false }, io);
      inUncached.push(performance.now() - start);
    }
    report.add({
      schema: shape,
      run: 'in-process unchanged re-run (build cache)',
      ms: Math.round(median(inUnchanged)),
    });
    report.add({ schema: shape, run: 'in-process unchanged re-run --no-cache', ms: Math.round(median(inUncached)) });

    const sources = [{ path: 'schemas/synthetic.domain.yaml', text }];
    const front = compile({ sources, skipEmit: true });
    const project = front.project;
    if (project === undefined) throw new Error('the synthetic schema does not compile');
    report.add({
      schema: shape,
      run: 'front half (parse → IR), warm',
      ms: Math.round(wallMs(() => compile({ sources, skipEmit: true }))),
    });
    const ctx = { runtimeImport: 'eventforge/runtime', outToCwd: '..' };
    for (const emitter of emitters) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < ROUNDS; r++)
        times.push(wallMs(() => (bytes = emitter.emit(project, ctx).reduce((n, f) => n + f.contents.length, 0))));
      report.add({
        schema: shape,
        run: `emitter ${emitter.name}, warm`,
        ms: Math.round(median(times)),
        kilobytes: Math.round(bytes / 1024),
      });
    }
    viewsCost(report, shape);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What views cost the compiler: the whole in-process compile (parse → emit) of the synthetic
 * schema without and with a view per aggregate, interleaved, medians of several passes; the
 * ratio of the times beside the ratio of the schema sizes.
 */
function viewsCost(report: BenchReport, shape: string): void {
  const plain = syntheticSchema(SHAPE);
  const withViews = syntheticSchema({ ...SHAPE, views: true });
  const run = (text: string) => () => {
    const result = compile({ sources: [{ path: 'schemas/synthetic.domain.yaml', text }] });
    if (result.files.length === 0) throw new Error('the synthetic schema does not compile');
  };
  const without: number[] = [];
  const viewed: number[] = [];
  // JIT warm-up of the view code paths takes a few calls: measure the steady state.
  for (let r = 0; r < 3; r++) {
    run(plain)();
    run(withViews)();
  }
  for (let r = 0; r < 7; r++) {
    without.push(wallMs(run(plain)));
    viewed.push(wallMs(run(withViews)));
  }
  report.add({ schema: shape, run: 'compile without views (baseline), warm', ms: Math.round(median(without)) });
  report.add({
    schema: `${shape} + a view per aggregate`,
    run: 'compile with views, warm',
    ms: Math.round(median(viewed)),
    ratioToBaseline: Number((median(viewed) / median(without)).toFixed(2)),
    schemaSizeRatio: Number((withViews.length / plain.length).toFixed(2)),
  });
}
