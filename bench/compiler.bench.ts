/**
 * The compiler's front half (parse → shape check → semantic rules → IR) on a synthetic domain
 * of 100 aggregates × 10 events × 3 versions (bench/synthetic-schema.ts). Target: under 1 s.
 *
 * Baseline, measured in the same run and interleaved with the subject: `yaml.parse` of the same
 * text (what reading the file as plain YAML costs, no positions, no checks). The ratio is the
 * figure to compare across machines; the absolute time is reported against the target.
 *
 * Also `eventforge check --no-cache` as a process on the same file, against `eventforge --version`
 * (the same process start-up) as its baseline: the difference is what a user waits for the check
 * itself, cold (code not yet optimized; the JSON Schema comes precompiled,
 * generator/validate/shape-validator.js). Both as the repository's bin/eventforge.js runs them
 * (TypeScript sources through tsx) and as the compiled dist/cli/bin.js a user installs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBuilt } from './built-cli.js';
import type { BenchReport } from './run.js';
import { compile } from '../generator/index.js';
import { syntheticSchema } from './synthetic-schema.js';

const SHAPE = { aggregates: 100, events: 10, versions: 3 } as const;
const ROUNDS = 7;
const CLI_ROUNDS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export default async function compilerBench(report: BenchReport): Promise<void> {
  const text = syntheticSchema(SHAPE);
  const sources = [{ path: 'schemas/synthetic.domain.yaml', text }];
  const lines = text.split('\n').length - 1;

  // Cold: the first compile in the process (module JIT warm-up; the JSON Schema comes precompiled).
  let eventCount = 0;
  const cold = time(() => {
    const result = compile({ sources, skipEmit: true });
    if (result.diagnostics.length > 0 || result.project === undefined) {
      throw new Error(
        `the synthetic schema does not compile cleanly: ${result.diagnostics[0]?.message ?? 'no project'}`,
      );
    }
    eventCount = result.project.domains.reduce((n, d) => n + d.aggregates.reduce((m, a) => m + a.events.length, 0), 0);
  });

  const subject: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(time(() => parse(text)));
    subject.push(time(() => compile({ sources, skipEmit: true })));
  }
  const compileMs = median(subject);
  const yamlMs = median(baseline);
  report.log(
    `synthetic schema: ${SHAPE.aggregates} aggregates × ${SHAPE.events} events × ${SHAPE.versions} versions = ${eventCount} events, ${lines} lines`,
  );
  report.add({ subject: 'yaml.parse (baseline)', medianMs: Math.round(yamlMs), rounds: ROUNDS });
  report.add({
    subject: 'compile front half (parse → IR)',
    medianMs: Math.round(compileMs),
    coldMs: Math.round(cold),
    rounds: ROUNDS,
  });
  const builtBin = ensureBuilt(report);
  for (const [label, bin] of [
    ['bin/eventforge.js, tsx', join(import.meta.dirname, '..', 'bin', 'eventforge.js')],
    ['compiled dist/cli/bin.js', builtBin],
  ] as const) {
    const cli = cliTimes(text, bin);
    report.add({
      subject: `eventforge --version (process baseline, ${label})`,
      medianMs: Math.round(cli.version),
      rounds: CLI_ROUNDS,
    });
    report.add({
      subject: `eventforge check --no-cache synthetic.domain.yaml (process, ${label})`,
      medianMs: Math.round(cli.check),
      rounds: CLI_ROUNDS,
      targetMs: 1000,
    });
    report.add({
      subject: `check process minus start-up (${label})`,
      ms: Math.round(cli.check - cli.version),
      ratioToStartup: Number((cli.check / cli.version).toFixed(2)),
    });
  }
  report.add({
    subject: 'front half vs yaml.parse',
    ratio: Number((compileMs / yamlMs).toFixed(2)),
    targetMs: 1000,
    underTarget: compileMs < 1000,
  });
}

/** Median wall times of `eventforge check FILE` and `eventforge --version` as processes, interleaved. */
function cliTimes(text: string, bin: string): { check: number; version: number } {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-'));
  try {
    writeFileSync(join(dir, 'synthetic.domain.yaml'), text);
    const check: number[] = [];
    const version: number[] = [];
    for (let round = 0; round < CLI_ROUNDS; round += 1) {
      version.push(time(() => execFileSync(process.execPath, [bin, '--version'], { cwd: dir })));
      check.push(
        time(() =>
          // --no-cache: an unchanged re-run would be answered from the check's result cache.
          execFileSync(process.execPath, [bin, 'check', 'synthetic.domain.yaml', '--no-cache'], { cwd: dir }),
        ),
      );
    }
    return { check: median(check), version: median(version) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
