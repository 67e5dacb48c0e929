/**
 * Start-up of the compiled `eventforge` command, each run a fresh process, against `node -e 0`
 * (the least a Node process does) measured in the same rounds:
 * - `eventforge --version`;
 * - `eventforge check` of the example schemas (schemas/: six domains, Bank's upcasters module
 *   checked by TypeScript), cached (an unchanged re-run), with `--no-cache` (no result cache;
 *   the TypeScript compiler loads from the code cache an earlier run kept in
 *   node_modules/.cache/eventforge), and with `--no-cache` in a folder whose cache is removed
 *   before every run (the first run in a fresh checkout: the compiler compiled from source);
 * - `eventforge check` of the examples without Bank (no TypeScript check);
 * - `eventforge generate` of the examples, cached (an unchanged re-run).
 * Runs dist/cli/bin.js, building dist/ first when it is missing or older than a source file.
 * Rounds interleave every subject; each ratio is the median of the per-round ratios.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './built-cli.js';
import type { BenchReport } from './run.js';

const ROUNDS = 11;
const repo = join(import.meta.dirname, '..');

interface Subject {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Removed before each run (outside the clock). */
  readonly fresh?: string;
}

export default async function startupBench(report: BenchReport): Promise<void> {
  const bin = ensureBuilt(report);
  const work = mkdtempSync(join(tmpdir(), 'eventforge-startup-'));
  try {
    // Own folders (and so their own node_modules/.cache): the repository's caches stay untouched.
    const all = join(work, 'all');
    const noBank = join(work, 'no-bank');
    const firstRun = join(work, 'first-run');
    cpSync(join(repo, 'schemas'), join(all, 'schemas'), { recursive: true });
    cpSync(join(repo, 'schemas'), join(firstRun, 'schemas'), { recursive: true });
    cpSync(join(repo, 'schemas'), join(noBank, 'schemas'), {
      recursive: true,
      filter: (path) => !/bank\./.test(path),
    });
    const cli = (name: string, cwd: string, ...args: string[]): Subject => ({ name, cwd, args: [bin, ...args] });
    const subjects: Subject[] = [
      { name: 'node -e 0 (baseline)', cwd: work, args: ['-e', '0'] },
      cli('eventforge --version', work, '--version'),
      cli('eventforge check, examples (cached)', all, 'check', 'schemas'),
      cli('eventforge check, examples (--no-cache)', all, 'check', 'schemas', '--no-cache'),
      {
        ...cli(
          'eventforge check, examples (--no-cache, first run: no code cache)',
          firstRun,
          'check',
          'schemas',
          '--no-cache',
        ),
        fresh: join(firstRun, 'node_modules'),
      },
      cli('eventforge check, examples without Bank (--no-cache)', noBank, 'check', 'schemas', '--no-cache'),
      cli('eventforge generate, examples (cached)', all, 'generate', '--schemas', 'schemas', '--out', 'generated'),
    ];
    for (const subject of subjects) runOnce(subject); // warm the caches and the file system
    const times = new Map(subjects.map((s) => [s.name, [] as number[]]));
    const ratios = new Map(subjects.map((s) => [s.name, [] as number[]]));
    for (let round = 0; round < ROUNDS; round += 1) {
      const thisRound = subjects.map((subject) => runOnce(subject));
      subjects.forEach((subject, i) => {
        times.get(subject.name)?.push(thisRound[i] ?? NaN);
        ratios.get(subject.name)?.push((thisRound[i] ?? NaN) / (thisRound[0] ?? NaN));
      });
    }
    for (const subject of subjects) {
      report.add({
        subject: subject.name,
        medianMs: Math.round(median(times.get(subject.name) ?? [])),
        ratio: Number(median(ratios.get(subject.name) ?? []).toFixed(2)),
        rounds: ROUNDS,
      });
    }
    report.log(
      `load average during the run: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Wall time of one run, in ms; a failed run fails the bench. */
function runOnce(subject: Subject): number {
  if (subject.fresh !== undefined) rmSync(subject.fresh, { recursive: true, force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, subject.args, {
    cwd: subject.cwd,
    stdio: 'pipe',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${subject.name} exited ${result.status}: ${result.stdout.toString()}${result.stderr.toString()}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
