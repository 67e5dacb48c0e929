/**
 * What checking the upcasters module (TypeScript's compiler API, EF330) adds to `check` of the Bank example
 * (schemas/bank.domain.yaml names schemas/bank.upcasters.ts).
 *
 * Subject and baseline are the same schema, compiled as `check` does (front half, no emitters),
 * with and without `modules` (the TypeScript check). Measured three ways:
 * - cold, in process: the first compile of each kind in this process (the first with the check
 *   requires the TypeScript compiler, and parses the ES5 lib);
 * - warm, in process: medians of interleaved rounds (TypeScript loaded, the lib already parsed),
 *   what `--watch` or an editor pays per run;
 * - as processes: `eventforge check --no-cache` on a folder holding the schema and its module,
 *   against the same folder without the module (the run stops at EF331 and never loads
 *   TypeScript); from the second round on, the compiler loads from the code cache the first kept.
 * Must run before anything else in the process loads TypeScript (no other bench does). In process
 * the compiler is required as it ships (no code cache: that is the CLI's, see startup.bench.ts).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './run.js';
import { compile } from '../generator/index.js';

const ROUNDS = 9;
const CLI_ROUNDS = 5;
const repo = join(import.meta.dirname, '..');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export default async function upcasterCheckBench(report: BenchReport): Promise<void> {
  const sources = [
    { path: 'schemas/bank.domain.yaml', text: readFileSync(join(repo, 'schemas', 'bank.domain.yaml'), 'utf8') },
  ];
  const modules = [
    { path: 'schemas/bank.upcasters.ts', text: readFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), 'utf8') },
  ];
  const plain = (): void => expectClean(compile({ sources, skipEmit: true }).diagnostics.length);
  const checked = (): void => expectClean(compile({ sources, modules, skipEmit: true }).diagnostics.length);

  const coldPlain = time(plain);
  const coldChecked = time(checked);
  const plainMs: number[] = [];
  const checkedMs: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    plainMs.push(time(plain));
    checkedMs.push(time(checked));
  }
  report.add({
    subject: 'check Bank, no TypeScript check (baseline)',
    medianMs: round1(median(plainMs)),
    coldMs: Math.round(coldPlain),
    rounds: ROUNDS,
  });
  report.add({
    subject: 'check Bank with the upcasters module checked',
    medianMs: round1(median(checkedMs)),
    coldMs: Math.round(coldChecked),
    rounds: ROUNDS,
  });
  report.add({
    subject: 'upcasters check, warm (in process)',
    ratio: ratio(median(checkedMs), median(plainMs)),
    addedMs: round1(median(checkedMs) - median(plainMs)),
  });
  report.add({
    subject: 'upcasters check, cold (first in process: loads TypeScript)',
    ratio: ratio(coldChecked, coldPlain),
    addedMs: Math.round(coldChecked - coldPlain),
  });

  const cli = cliTimes();
  report.add({
    subject: 'eventforge check Bank without its module (process baseline, EF331)',
    medianMs: Math.round(cli.without),
    rounds: CLI_ROUNDS,
  });
  report.add({
    subject: 'eventforge check Bank with its module (process)',
    medianMs: Math.round(cli.with),
    rounds: CLI_ROUNDS,
  });
  report.add({
    subject: 'upcasters check, as a process',
    ratio: ratio(cli.with, cli.without),
    addedMs: Math.round(cli.with - cli.without),
  });
}

function expectClean(count: number): void {
  if (count !== 0) throw new Error(`the Bank example does not check cleanly (${count} diagnostics)`);
}

function ratio(subject: number, baseline: number): number {
  return Number((subject / baseline).toFixed(2));
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Median wall times of `eventforge check` as a process, with and without the module next to the schema, interleaved. */
function cliTimes(): { with: number; without: number } {
  const withModule = mkdtempSync(join(tmpdir(), 'eventforge-bench-'));
  const withoutModule = mkdtempSync(join(tmpdir(), 'eventforge-bench-'));
  const bin = join(repo, 'bin', 'eventforge.js');
  try {
    for (const dir of [withModule, withoutModule])
      copyFileSync(join(repo, 'schemas', 'bank.domain.yaml'), join(dir, 'bank.domain.yaml'));
    copyFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), join(withModule, 'bank.upcasters.ts'));
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    for (let round = 0; round < CLI_ROUNDS; round += 1) {
      withoutMs.push(time(() => runCheck(bin, withoutModule, 1)));
      withMs.push(time(() => runCheck(bin, withModule, 0)));
    }
    return { with: median(withMs), without: median(withoutMs) };
  } finally {
    rmSync(withModule, { recursive: true, force: true });
    rmSync(withoutModule, { recursive: true, force: true });
  }
}

/** Runs `eventforge check` in `dir`; fails the bench if its exit code is not the one expected. */
function runCheck(bin: string, dir: string, expectedCode: number): void {
  try {
    // --no-cache: an unchanged re-run would be answered from the check's result cache.
    execFileSync(process.execPath, [bin, 'check', 'bank.domain.yaml', '--no-cache'], { cwd: dir, stdio: 'pipe' });
    if (expectedCode !== 0) throw new Error(`eventforge check in ${dir} passed; expected exit code ${expectedCode}`);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== expectedCode) throw error;
  }
}
