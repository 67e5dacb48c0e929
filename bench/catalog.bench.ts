/**
 * `eventforge catalog` on the synthetic schema of 100 aggregates × 10 events × 3 versions
 * (bench/synthetic-schema.ts), against `eventforge generate` on the same schema in the same run:
 * each a fresh process of the compiled CLI (dist/cli/bin.js, what a user runs; built first when
 * stale) into an empty output folder (generate with --no-cache, so both do the whole work),
 * interleaved round by round, medians and the range of the per-round ratios. Baseline: the
 * CLI's start-up (`--version`). Target: the catalog in under 2 s. On Linux also each process's CPU
 * time (user + system, from /proc): on a shared machine it says more than the wall time. Also, in one process and warm:
 * the front half both share (schema → IR), the catalog emitter alone against all of generate's
 * emitters on the same IR, and the diagrams.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateDiagram, versionChainDiagram, type LayoutCache } from '../generator/emit/catalog/diagrams.js';
import { emitCatalog } from '../generator/emit/catalog/index.js';
import { compile, runEmitters } from '../generator/compile.js';
import { emitters } from '../generator/emit/index.js';
import type { BenchReport } from './run.js';
import { ensureBuilt } from './built-cli.js';
import { syntheticSchema } from './synthetic-schema.js';

const SHAPE = { aggregates: 100, events: 10, versions: 3 } as const;
const ROUNDS = 5;

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const range = (values: readonly number[]): string =>
  `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

/**
 * CPU time (user + system) of this process's finished children so far, in ms (/proc/self/stat's
 * cutime and cstime, in ticks of 10 ms); undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function wallMs(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

export default async function catalogBench(report: BenchReport): Promise<void> {
  const bin = ensureBuilt(report);
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-catalog-bench-'));
  try {
    mkdirSync(join(dir, 'schemas'));
    const text = syntheticSchema(SHAPE);
    writeFileSync(join(dir, 'schemas', 'synthetic.domain.yaml'), text);
    const generateCpu: number[] = [];
    const catalogCpu: number[] = [];
    const cli = (args: string[], cpu?: number[]): number => {
      const before = childrenCpuMs();
      const ms = wallMs(() =>
        execFileSync(process.execPath, [bin, ...args], {
          cwd: dir,
          stdio: 'pipe',
          env: { ...process.env, NODE_OPTIONS: '' },
        }),
      );
      const after = childrenCpuMs();
      if (before !== undefined && after !== undefined) cpu?.push(after - before);
      return ms;
    };
    const startup: number[] = [];
    const generate: number[] = [];
    const catalog: number[] = [];
    // Each round writes into folders of its own, all removed after the last round: on ext4
    // without a journal (this machine's), the inode allocator skips every inode deleted in the
    // last minutes, so creating 1,103 files right after deleting the previous round's 1,103 cost
    // about 1 s of kernel time more (docs/performance.md): the bench's own work, not the catalog's.
    for (let round = 0; round < ROUNDS; round++) {
      startup.push(cli(['--version']));
      // Alternate which goes first, so neither always runs on a warmer disk cache.
      const runs = [
        () =>
          generate.push(
            cli(['generate', '--schemas', 'schemas', '--out', `generated-${round}`, '--no-cache'], generateCpu),
          ),
        () => catalog.push(cli(['catalog', '--schemas', 'schemas', '--out', `catalog-${round}`], catalogCpu)),
      ];
      for (const run of round % 2 === 0 ? runs : [...runs].reverse()) run();
    }
    const shape = `${SHAPE.aggregates} aggregates × ${SHAPE.events} events × ${SHAPE.versions} versions`;
    const toGenerate = catalog.map((ms, i) => ms / (generate[i] ?? Number.NaN));
    const toStartup = catalog.map((ms, i) => ms / (startup[i] ?? Number.NaN));
    report.add({
      schema: shape,
      run: 'compiled CLI start-up only (--version, baseline)',
      ms: Math.round(median(startup)),
    });
    report.add({
      schema: shape,
      run: 'generate --no-cache (compiled CLI, fresh process, empty output)',
      ms: Math.round(median(generate)),
      range: `${Math.round(Math.min(...generate))}–${Math.round(Math.max(...generate))}`,
      ...(generateCpu.length === 0
        ? {}
        : { cpuMs: median(generateCpu), cpuRange: `${Math.min(...generateCpu)}–${Math.max(...generateCpu)}` }),
    });
    report.add({
      schema: shape,
      run: 'catalog (compiled CLI, fresh process, empty output)',
      ms: Math.round(median(catalog)),
      range: `${Math.round(Math.min(...catalog))}–${Math.round(Math.max(...catalog))}`,
      targetMs: 2000,
      meetsTarget: median(catalog) < 2000,
      ratioToGenerate: Number(median(toGenerate).toFixed(2)),
      ratioToGenerateRange: range(toGenerate),
      ratioToStartup: Number(median(toStartup).toFixed(2)),
      ...(catalogCpu.length === 0
        ? {}
        : {
            cpuMs: median(catalogCpu),
            cpuRange: `${Math.min(...catalogCpu)}–${Math.max(...catalogCpu)}`,
            cpuRatioToGenerate: Number(
              median(catalogCpu.map((ms, i) => ms / (generateCpu[i] ?? Number.NaN))).toFixed(2),
            ),
            cpuRatioToGenerateRange: range(catalogCpu.map((ms, i) => ms / (generateCpu[i] ?? Number.NaN))),
          }),
    });
    report.log(
      `load average after the process runs: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );

    const frontHalf: number[] = [];
    for (let round = 0; round < ROUNDS; round++)
      frontHalf.push(
        wallMs(() => compile({ sources: [{ path: 'schemas/synthetic.domain.yaml', text }], skipEmit: true })),
      );
    report.add({
      schema: shape,
      run: 'front half (schema → IR), in-process, median',
      ms: Math.round(median(frontHalf)),
    });

    const project = compile({ sources: [{ path: 'schemas/synthetic.domain.yaml', text }], skipEmit: true }).project;
    if (project === undefined) throw new Error('the synthetic schema does not compile');
    const ctx = { runtimeImport: 'eventforge/runtime', outToCwd: '..' };
    // The synthetic schema repeats a few geometries, which the catalog lays out once each; a real
    // schema of this size repeats fewer. So: every diagram laid out on its own, nothing shared.
    const everyDiagram = (shared: boolean): number => {
      let cache: LayoutCache = new Map();
      const fresh = (): LayoutCache => (shared ? cache : (cache = new Map()));
      let layouts = 0;
      for (const domain of project.domains)
        for (const aggregate of domain.aggregates) {
          aggregateDiagram(aggregate, (event) => event, fresh());
          layouts += shared ? 0 : 1;
          for (const event of aggregate.events)
            if (event.versions.length > 1) {
              versionChainDiagram(event.name, event.versions, (version) => `#v${version}`, fresh());
              layouts += shared ? 0 : 1;
            }
        }
      return shared ? cache.size : layouts;
    };
    const sharedDiagrams: number[] = [];
    const separateDiagrams: number[] = [];
    let sharedLayouts = 0;
    let separateLayouts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      sharedDiagrams.push(wallMs(() => (sharedLayouts = everyDiagram(true))));
      separateDiagrams.push(wallMs(() => (separateLayouts = everyDiagram(false))));
    }
    report.add({
      schema: shape,
      run: 'all diagrams, layouts shared by geometry (as the catalog does), median',
      ms: Math.round(median(sharedDiagrams)),
      layouts: sharedLayouts,
    });
    report.add({
      schema: shape,
      run: 'all diagrams, every one laid out (no geometry repeats), median',
      ms: Math.round(median(separateDiagrams)),
      layouts: separateLayouts,
    });

    const catalogEmit: number[] = [];
    const generateEmit: number[] = [];
    let pages = 0;
    let kilobytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      generateEmit.push(wallMs(() => runEmitters(project, ctx, emitters)));
      catalogEmit.push(
        wallMs(() => {
          const files = emitCatalog(project);
          pages = files.length;
          kilobytes = Math.round(files.reduce((sum, file) => sum + file.contents.length, 0) / 1024);
        }),
      );
    }
    report.add({ schema: shape, run: "generate's emitters, in-process, median", ms: Math.round(median(generateEmit)) });
    report.add({
      schema: shape,
      run: 'catalog emitter, in-process, median',
      ms: Math.round(median(catalogEmit)),
      files: pages,
      kilobytes,
      ratioToGenerateEmitters: Number((median(catalogEmit) / median(generateEmit)).toFixed(2)),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
