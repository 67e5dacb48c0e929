/**
 * W5 of the persistence bench: 4 writer processes (w5-writer.ts) save to 10 shared streams for a
 * few seconds with optimistic concurrency and retry; afterwards every stream must hold versions
 * 1..n exactly once, n = the saves its writers were told succeeded. Subjects run one after
 * another, in a rotated order each pass, each on a fresh schema or file.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { BenchReport } from '../run.js';
import type { W5Command, W5Result } from './w5-writer.js';

const WRITERS = 4;
const STREAMS = Array.from({ length: 10 }, (_, i) => `dog-${i + 1}`);

/** One W5 subject: where its store is and how to read back its stored versions. */
export interface W5Subject {
  readonly subject: W5Command['subject'];
  /** A fresh store (schema URL or file) for one run. */
  prepare(): Promise<string>;
  /** Every (stream, version) stored in `target`. */
  versions(target: string): Promise<[string, number][]>;
}

/** The 4 writer processes, started once and given one command per run. */
class Writers {
  readonly #children: ChildProcessByStdio<Writable, Readable, null>[] = [];
  readonly #lines: AsyncIterator<string>[] = [];
  readonly #readers: Interface[] = [];

  constructor() {
    const here = import.meta.dirname;
    for (let w = 0; w < WRITERS; w++) {
      const child = spawn(join(here, '../../node_modules/.bin/tsx'), [join(here, 'w5-writer.ts')], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      this.#children.push(child);
      this.#readers.push(lines);
      this.#lines.push(lines[Symbol.asyncIterator]());
    }
  }

  async run(command: Omit<W5Command, 'writer' | 'startAt'>): Promise<W5Result[]> {
    // Time enough for every process to start and connect before the common start.
    const startAt = Date.now() + 3000;
    return Promise.all(
      this.#children.map(async (child, w) => {
        child.stdin.write(JSON.stringify({ ...command, writer: w + 1, startAt }) + '\n');
        const next = await this.#lines[w]!.next();
        if (next.done === true) throw new Error(`W5 writer ${w + 1} exited`);
        return JSON.parse(next.value) as W5Result;
      }),
    );
  }

  close(): void {
    for (const lines of this.#readers) lines.close();
    for (const child of this.#children) child.stdin.end();
  }
}

/** Throws unless every stream holds 1..n exactly once, n = the saves reported for it. */
function checkIntegrity(label: string, rows: readonly [string, number][], results: readonly W5Result[]): void {
  const byStream = new Map<string, number[]>();
  for (const [streamId, version] of rows)
    (byStream.get(streamId) ?? byStream.set(streamId, []).get(streamId)!).push(version);
  for (const streamId of STREAMS) {
    const expected = results.reduce((n, r) => n + (r.stored[streamId] ?? 0), 0);
    const versions = (byStream.get(streamId) ?? []).sort((a, b) => a - b);
    const exact = versions.length === expected && versions.every((v, i) => v === i + 1);
    if (!exact) {
      throw new Error(
        `W5 ${label}: stream ${streamId} holds ${versions.length} versions, the writers stored ${expected}`,
      );
    }
  }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs W5 for each subject `passes` times and reports the median saves per second. */
export async function runW5(
  report: BenchReport,
  database: 'postgresql' | 'sqlite',
  subjects: readonly W5Subject[],
  options: { readonly passes: number; readonly seconds: number },
): Promise<void> {
  const writers = new Writers();
  const rates = new Map<string, number[]>();
  const conflicts = new Map<string, number>();
  try {
    for (let pass = 0; pass < options.passes; pass++) {
      for (let k = 0; k < subjects.length; k++) {
        const s = subjects[(k + pass) % subjects.length]!;
        const target = await s.prepare();
        const results = await writers.run({
          subject: s.subject,
          database,
          target,
          streams: STREAMS,
          seconds: options.seconds,
        });
        checkIntegrity(`${database} ${s.subject}`, await s.versions(target), results);
        const ok = results.reduce((n, r) => n + r.ok, 0);
        (rates.get(s.subject) ?? rates.set(s.subject, []).get(s.subject)!).push(ok / options.seconds);
        conflicts.set(s.subject, (conflicts.get(s.subject) ?? 0) + results.reduce((n, r) => n + r.conflicts, 0));
      }
    }
  } finally {
    writers.close();
  }
  for (const s of subjects) {
    const list = rates.get(s.subject)!;
    report.add({
      workload: 'W5',
      database,
      subject: s.subject,
      savesPerSecond: Math.round(median(list)),
      passes: list.map((r) => Math.round(r)).join(' '),
      conflictsPerPass: Math.round(conflicts.get(s.subject)! / list.length),
      integrity: 'every stream 1..n exactly once',
    });
  }
}
