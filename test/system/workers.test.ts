/**
 * Workers in separate processes (real `eventforge run --worker` processes on PostgreSQL): kill -9
 * of the worker that owns a follower (a standby takes the lease within the documented bound and
 * resumes from the tracking position), SIGTERM (drains, releases, exits 0), and a follower split
 * into three partitions across three workers (the same final state as one process). Counts show
 * nothing lost and nothing processed twice.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ApplicationOptions,
  Leases,
  SingleThreadedRunner,
  type System,
  WorkerRunner,
  type WorkerRunnerOptions,
} from 'eventforge/runtime';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Counter, Counters } from '../../examples/counters.js';
import { DogSchool } from '../../examples/dog-school.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { counters } from './fixtures/systems.js';
import { FIXTURE, runnerFlags, storeEnv, until, WorkerProcess } from './worker-processes.js';

// Worker processes start through tsx: seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const postgresSkip = await postgresSkipReason();
if (postgresSkip !== undefined) console.log(`worker tests skipped: ${postgresSkip}`);
const schemas = new SchemaPool('workers');
afterAll(() => schemas.dropAll());

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TRICKS = ['sit', 'stay', 'roll over', 'play dead'];

/** Fresh schemas for the system's applications; the runner the test commands through; worker processes on demand. */
function setUp(system: System, options: Omit<WorkerRunnerOptions, 'applicationOptions'> = {}) {
  const names = new Map(system.classes.map((cls) => [cls.name, schemas.next()]));
  const applicationOptions = (name: string): ApplicationOptions => ({
    env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
  });
  const runner = new WorkerRunner(system, { applicationOptions, ...options });
  cleanups.push(() => runner.stop());
  const spawnWorker = (leaseTtlMs: number) => {
    const worker = new WorkerProcess(
      ['--export=counters', ...runnerFlags({ ...options, retryDelayMs: 1 }, leaseTtlMs)],
      storeEnv(system, applicationOptions),
    );
    cleanups.push(() => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      return worker.exited;
    });
    return worker;
  };
  return { runner, spawnWorker, applicationOptions };
}

/** The leases of the Counters store (where the system's first follower keeps its tracking). */
async function leases(runner: WorkerRunner) {
  return (await new Leases(await runner.get(Counters).recorder()).list()).filter((l) => !l.name.startsWith('worker/'));
}

/** Registers `dogs` dogs, then teaches `tricks` tricks round-robin, one command each; `during(i)` runs before command i. */
async function teach(
  school: DogSchool,
  dogs: number,
  tricks: number,
  during: (i: number) => Promise<void> = async () => {},
) {
  const ids = [];
  for (let d = 0; d < dogs; d++) ids.push(await school.registerDog(`dog ${d}`));
  for (let i = 0; i < tricks; i++) {
    await during(i);
    await school.addTrick(ids[i % dogs]!, TRICKS[(i * 7) % TRICKS.length]!);
  }
}

/** Every counter's count and how many of each event Counters stored. */
async function finalState(app: Counters) {
  const counts = Object.fromEntries(await Promise.all(TRICKS.map(async (t) => [t, await app.countOf(t)])));
  const events: Record<string, number> = {};
  for await (const { topic } of app.log.readAll()) events[topic] = (events[topic] ?? 0) + 1;
  return { counts, events };
}

function expected(tricks: number) {
  const counts = Object.fromEntries(TRICKS.map((t) => [t, 0]));
  for (let i = 0; i < tricks; i++) counts[TRICKS[(i * 7) % TRICKS.length]!]!++;
  return {
    counts,
    events: { 'Counters.Counter.Started': TRICKS.length, 'Counters.Counter.Incremented': tricks },
  };
}

/**
 * Two worker processes, one owning Counters/DogSchool and one standing by; teaches `tricks` tricks
 * and, before trick `at` (once the owner processed some), sends the owner `signal`. How long
 * until the standby held the lease (watched while the commands go on), once the system is quiet.
 */
async function interruptOwner(ttl: number, tricks: number, at: number, signal: NodeJS.Signals) {
  const { runner, spawnWorker } = setUp(counters);
  await runner.start();
  const [a, b] = [spawnWorker(ttl), spawnWorker(ttl)];
  await Promise.all([a.waitFor(/started/), b.waitFor(/started/)]);
  const first = await until('an owner', async () => (await leases(runner))[0]?.owner);
  const [owner, standby] = first === a.id ? [a, b] : [b, a];
  let sentAt = 0;
  let takenOver: Promise<number> | undefined;
  await teach(runner.get(DogSchool), 10, tricks, async (i) => {
    if (i !== at) return;
    await runner.follower(Counters, DogSchool).wait(20n, { timeout: 30_000 });
    owner.child.kill(signal);
    sentAt = Date.now();
    takenOver = until('the standby to take the lease', async () => {
      const [lease] = await leases(runner);
      return lease !== undefined && lease.owner === standby.id && lease.live ? Date.now() : undefined;
    });
  });
  const handOver = (await takenOver!) - sentAt;
  await runner.quiet({ timeout: 30_000 });
  return { runner, owner, standby, handOver };
}

describe.skipIf(postgresSkip !== undefined)('workers in separate processes, on PostgreSQL', () => {
  it('kill -9 of the owner: a standby takes the lease within TTL + TTL/5 and resumes; nothing lost, nothing twice', async () => {
    const ttl = 1500;
    const { runner, owner, standby, handOver } = await interruptOwner(ttl, 150, 60, 'SIGKILL');
    console.log(`fail-over after kill -9: ${handOver} ms (lease TTL ${ttl} ms, renewed every ${ttl / 5} ms)`);
    expect((await owner.exited).signal).toBe('SIGKILL');
    expect(standby.output).toMatch(/owns Counters\/DogSchool from notification [1-9]/);
    // Bound: TTL after the owner's last renewal (at most TTL/5 before the kill), then the standby's next attempt (TTL/5); 1 s for load.
    expect(handOver).toBeLessThan(ttl + ttl / 5 + 1000);
    expect(await finalState(runner.get(Counters))).toEqual(expected(150));
  });

  it('SIGTERM drains: batches commit, the lease is released at once, the process exits 0', async () => {
    const ttl = 4000;
    const { runner, owner, handOver } = await interruptOwner(ttl, 120, 50, 'SIGTERM');
    console.log(`hand-over after SIGTERM: ${handOver} ms (lease TTL ${ttl} ms)`);
    expect(await owner.exited).toEqual({ code: 0, signal: null });
    expect(owner.output).toMatch(/released Counters\/DogSchool/);
    expect(owner.output).toMatch(/stopped: batches committed, leases released/);
    // Released, not expired: well within the TTL (an expiry would take at least 4/5 of it).
    expect(handOver).toBeLessThan(ttl * 0.75);
    expect(await finalState(runner.get(Counters))).toEqual(expected(120));
  });

  it('three partitions across three workers: each owns one, and the final state is that of one process', async () => {
    const partitions = { Counters: 3 };
    const { runner, spawnWorker, applicationOptions } = setUp(counters, { partitions });
    await runner.start();
    const workers = [spawnWorker(2000), spawnWorker(2000), spawnWorker(2000)];
    await Promise.all(workers.map((w) => w.waitFor(/started/)));
    // Each worker takes its share: three leases, three owners.
    const owners = await until('one partition per worker', async () => {
      const held = (await leases(runner)).filter((l) => l.live);
      const distinct = new Set(held.map((l) => l.owner));
      return held.length === 3 && distinct.size === 3 ? [...distinct].sort() : undefined;
    });
    expect(owners).toEqual(workers.map((w) => w.id).sort());
    await teach(runner.get(DogSchool), 30, 240);
    await runner.quiet({ timeout: 60_000 });
    const partitioned = await finalState(runner.get(Counters));

    // The same commands, one process, one thread, in memory.
    const single = new SingleThreadedRunner(counters);
    cleanups.push(() => single.stop());
    await single.start();
    await teach(single.get(DogSchool), 30, 240);
    expect(partitioned).toEqual(await finalState(single.get(Counters)));
    expect(partitioned).toEqual(expected(240));

    // Each partition keeps its own position: all at the last trick, the head of DogSchool's log.
    const recorder = await runner.get(Counters).recorder();
    const head = await runner.get(DogSchool).log.maxId();
    for (const key of ['DogSchool#1/3', 'DogSchool#2/3', 'DogSchool#3/3']) {
      expect(await recorder.maxTrackingId('Counters', key)).toBe(head);
    }
    expect(await recorder.maxTrackingId('Counters', 'DogSchool')).toBe(0n);

    // `eventforge system status` shows the three leases, their owners and no lag.
    const status = await promisify(execFile)(
      process.execPath,
      [
        join(import.meta.dirname, '../../bin/eventforge.js'),
        'system',
        'status',
        FIXTURE,
        '--export=counters',
        '--partitions=Counters=3',
      ],
      { env: { ...process.env, ...storeEnv(counters, applicationOptions) } },
    );
    const rows = status.stdout.split('\n').filter((line) => line.startsWith('Counters'));
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatch(
        new RegExp(
          `^Counters\\s+DogSchool\\s+${i + 1}/3\\s+\\S+\\s+live, [0-9.]+ s left\\s+${head}\\s+${head}\\s+0\\s+0$`,
        ),
      );
    }
    expect(status.stdout).toContain('workers alive: 3');
  });
});
