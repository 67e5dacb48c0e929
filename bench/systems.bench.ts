/**
 * Systems: end-to-end throughput of the DogSchool → Counters pipeline (examples/counters.ts), in
 * commands per second from the first command until Counters has processed the last one, under
 * the single-threaded and the concurrent runner, against the baseline measured in the same run:
 * the same commands on DogSchool alone, with no follower (the least a pipeline costs is its
 * leader's writes). On the in-memory store and on SQLite files (one per application).
 * Subjects alternate within each pass; 3 passes; medians; ratios to the baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Counters } from '../examples/counters.js';
import { DogSchool } from '../examples/dog-school.js';
import { type ApplicationOptions, ConcurrentRunner, SingleThreadedRunner, System } from '../runtime/index.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const PASSES = 3;
const TRICKS = ['sit', 'stay', 'roll over', 'play dead', 'fetch'];

interface Store {
  readonly label: string;
  readonly commands: number;
  /** Fresh stores, one per application name. */
  options(dir: string): (name: string) => ApplicationOptions;
}

const stores: Store[] = [
  {
    label: 'memory',
    commands: Math.max(500, Math.round(10_000 * SCALE)),
    options: () => () => ({ env: { DATABASE_URL: 'memory:' } }),
  },
  {
    label: 'sqlite',
    commands: Math.max(200, Math.round(2_000 * SCALE)),
    options: (dir) => (name) => ({ env: { DATABASE_URL: `file:${join(dir, `${name}.sqlite`)}` } }),
  },
];

/** Registers one dog per 10 commands and teaches it tricks: `commands` saves in all. */
async function teach(school: DogSchool, commands: number): Promise<void> {
  let dog = '';
  for (let i = 0; i < commands; i++) {
    if (i % 10 === 0) dog = await school.registerDog(`dog ${i}`);
    else await school.addTrick(dog, TRICKS[i % TRICKS.length]!);
  }
}

type Subject = 'leader alone' | 'single-threaded' | 'concurrent';

/** Seconds from the first command until the system is quiet. */
async function measure(subject: Subject, store: Store, dir: string): Promise<number> {
  const applicationOptions = store.options(dir);
  if (subject === 'leader alone') {
    const school = new DogSchool(applicationOptions('DogSchool'));
    await school.recorder(); // opened (and migrated) before the clock starts, as the runners' stores are
    const started = performance.now();
    await teach(school, store.commands);
    const seconds = (performance.now() - started) / 1000;
    await school.close();
    return seconds;
  }
  const system = new System([[DogSchool, Counters]]);
  const runner =
    subject === 'single-threaded'
      ? new SingleThreadedRunner(system, { applicationOptions })
      : new ConcurrentRunner(system, { applicationOptions });
  await runner.start();
  const started = performance.now();
  await teach(runner.get(DogSchool), store.commands);
  await runner.quiet({ timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const counted = await runner.get(Counters).countOf('sit');
  await runner.stop();
  if (counted === 0) throw new Error(`${subject}: Counters counted nothing`);
  return seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function systems(report: BenchReport): Promise<void> {
  const subjects: Subject[] = ['leader alone', 'single-threaded', 'concurrent'];
  for (const store of stores) {
    const seconds = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
    for (let pass = 0; pass < PASSES; pass++) {
      for (const subject of subjects) {
        const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-systems-'));
        try {
          seconds.get(subject)!.push(await measure(subject, store, dir));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    const baseline = store.commands / median(seconds.get('leader alone')!);
    for (const subject of subjects) {
      const perSecond = store.commands / median(seconds.get(subject)!);
      report.add({
        workload: 'S1 pipeline DogSchool → Counters',
        database: store.label,
        subject,
        commands: store.commands,
        commandsPerSecond: Math.round(perSecond),
        ratioToLeaderAlone: Number((perSecond / baseline).toFixed(2)),
      });
    }
  }
}
