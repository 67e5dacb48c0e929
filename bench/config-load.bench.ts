/**
 * What reading a config file costs a command, as fresh processes under plain node (as the
 * compiled CLI runs): each way of loading against `node -e 0` in the same run, interleaved.
 * - `.json`: read and parse;
 * - `.mjs`: a native import;
 * - `.ts` through jiti, warm: jiti's transform cache (node_modules/.cache/jiti) holds the file,
 *   as from the second command on;
 * - `.ts` through jiti, cold: no transform cache (the first command after an edit loads Babel).
 * A project without a `.ts` config never imports jiti (cli/config/load-config.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchReport } from './run.js';

const ROUNDS = 11;
const jitiEntry = pathToFileURL(join(import.meta.dirname, '..', 'node_modules', 'jiti', 'lib', 'jiti.mjs')).href;
const CONFIG = "export default { schemas: 'schemas', out: 'src/generated', providers: ['sqlite'] as const };\n";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export default async function configLoadBench(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-config-'));
  try {
    mkdirSync(join(dir, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(join(dir, 'eventforge.config.json'), '{ "schemas": "schemas", "out": "src/generated" }\n');
    writeFileSync(join(dir, 'eventforge.config.mjs'), CONFIG.replace(' as const', ''));
    writeFileSync(join(dir, 'eventforge.config.ts'), CONFIG);
    const jiti = (fsCache: boolean): string =>
      `const { createJiti } = await import(${JSON.stringify(jitiEntry)});` +
      `await createJiti(${JSON.stringify(pathToFileURL(join(dir, 'x.mjs')).href)}, { moduleCache: false, fsCache: ${fsCache} })` +
      `.import(${JSON.stringify(join(dir, 'eventforge.config.ts'))}, { default: true });`;
    const subjects: [string, string][] = [
      ['node -e 0 (baseline)', '0'],
      [
        '.json, parsed',
        `const { readFileSync } = await import('node:fs'); JSON.parse(readFileSync(${JSON.stringify(join(dir, 'eventforge.config.json'))}, 'utf8'))`,
      ],
      ['.mjs, imported', `await import(${JSON.stringify(pathToFileURL(join(dir, 'eventforge.config.mjs')).href)})`],
      ['.ts through jiti, warm transform cache', jiti(true)],
      ['.ts through jiti, no transform cache', jiti(false)],
    ];
    const run = (code: string): number => {
      const start = performance.now();
      execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, stdio: 'ignore' });
      return performance.now() - start;
    };
    run(jiti(true)); // fills the transform cache
    const times = subjects.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round += 1) subjects.forEach(([, code], i) => times[i]?.push(run(code)));
    const baseline = median(times[0] ?? []);
    subjects.forEach(([subject], i) => {
      const ms = median(times[i] ?? []);
      report.add({
        subject,
        medianMs: Math.round(ms),
        ratioToNode: Math.round((ms / baseline) * 100) / 100,
        rounds: ROUNDS,
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
