/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: runs every bench/*.bench.ts module.
 *
 * A module exports `default async function (report: BenchReport): Promise<void>`. It measures
 * its subject and a baseline in the same run (the machines are shared and noisy, so only
 * ratios between figures of one run mean anything) and adds rows to the report.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BenchRow = Record<string, string | number | boolean | null>;

export interface BenchReport {
  /** Adds one result row (e.g. `{ workload: 'W1', database: 'sqlite', subject: 'raw', eventsPerSecond: 1234 }`). */
  add(row: BenchRow): void;
  /** Prints a line to the human-readable output. */
  log(line: string): void;
}

const args = process.argv.slice(2);
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

const here = dirname(fileURLToPath(import.meta.url));
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.startsWith(only))
  .sort();

const results: BenchRow[] = [];
for (const file of modules) {
  const name = file.replace(/\.bench\.ts$/, '');
  console.log(`\n## ${name}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    default: (report: BenchReport) => Promise<void>;
  };
  await mod.default({
    add: (row) => {
      results.push({ bench: name, ...row });
      console.log('  ' + JSON.stringify(row));
    },
    log: (line) => console.log('  ' + line),
  });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`\nmachine: ${machine}`);
if (jsonFile !== undefined) {
  writeFileSync(jsonFile, JSON.stringify({ machine, results }, null, 2) + '\n');
  console.log(`wrote ${jsonFile}`);
}
