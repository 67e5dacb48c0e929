/**
 * Worker processes for the system tests: real `eventforge run … --worker` processes started
 * through the repository's bin (tsx), on the test's PostgreSQL schemas, and a `WorkerRunner`
 * that starts and stops them with itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ApplicationOptions, System } from 'eventforge/runtime';
import { Leases, leaseStoreOf, type WorkerRunnerOptions, WorkerRunner } from 'eventforge/runtime';
import { snakeCase } from '../../runtime/system/application-stores.js';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/eventforge.js');
export const FIXTURE = join(root, 'test/system/fixtures/systems.ts');

/** One worker process: its output so far, and how it ended. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output = '';

  /** `module`: the system module to run (the tests' fixtures by default). */
  constructor(args: readonly string[], env: NodeJS.ProcessEnv, module = FIXTURE) {
    // The source condition: a system module outside the tests (the benches') imports the runtime's sources.
    this.child = spawn(process.execPath, ['--conditions=eventforge-source', bin, 'run', module, '--worker', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Its id in the leases table, once it printed it. */
  get id(): string | undefined {
    return /worker (\S+) started/.exec(this.output)?.[1];
  }

  /** Resolves once its output matches `pattern`; fails with the output after `timeout` ms or when it exits. */
  async waitFor(pattern: RegExp, timeout = 30_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!pattern.test(this.output)) {
      if (exited || Date.now() > deadline) {
        throw new Error(`worker did not print ${pattern} (${exited ? 'it exited' : 'timed out'}):\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM, then its exit. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** `DATABASE_URL_<APP>` for each application of the system, from the test's options. */
export function storeEnv(system: System, applicationOptions: (name: string) => ApplicationOptions): NodeJS.ProcessEnv {
  return Object.fromEntries(
    system.classes.map((cls) => {
      return [`DATABASE_URL_${snakeCase(cls.name).toUpperCase()}`, applicationOptions(cls.name).env?.['DATABASE_URL']];
    }),
  );
}

/** The runner-option flags of `eventforge run` for what the test passes. */
export function runnerFlags(options: WorkerRunnerOptions, leaseTtlMs: number): string[] {
  return [
    `--lease-ttl=${leaseTtlMs}`,
    ...(options.batchSize === undefined ? [] : [`--batch-size=${options.batchSize}`]),
    ...(options.maxAttempts === undefined ? [] : [`--max-attempts=${options.maxAttempts}`]),
    ...(options.retryDelayMs === undefined ? [] : [`--retry-delay=${options.retryDelayMs}`]),
    ...(options.partitions === undefined
      ? []
      : [
          `--partitions=${Object.entries(options.partitions)
            .map(([f, k]) => `${f}=${k}`)
            .join(',')}`,
        ]),
  ];
}

/**
 * A `WorkerRunner` whose followers run in `workers` real worker processes of the system
 * `exportName` of `module` (the tests' fixtures by default); `start` returns once every
 * follower's lease is held, `stop` drains them (SIGTERM).
 */
export class SpawnedWorkers extends WorkerRunner {
  readonly processes: WorkerProcess[] = [];
  readonly #args: string[];
  readonly #env: NodeJS.ProcessEnv;
  readonly #count: number;
  readonly #module: string;

  constructor(
    exportName: string,
    system: System,
    options: WorkerRunnerOptions & { readonly applicationOptions: (name: string) => ApplicationOptions },
    workers = 2,
    leaseTtlMs = 2000,
    module = FIXTURE,
  ) {
    super(system, options);
    this.#module = module;
    this.#args = [`--export=${exportName}`, ...runnerFlags(options, leaseTtlMs)];
    this.#env = storeEnv(system, options.applicationOptions);
    this.#count = workers;
  }

  override async start(): Promise<void> {
    await super.start();
    for (let i = 0; i < this.#count; i++) this.processes.push(new WorkerProcess(this.#args, this.#env, this.#module));
    await Promise.all(this.processes.map((p) => p.waitFor(/started/)));
    // Settled: every lease held, none by a worker above its share (the first to start takes all,
    // then gives some up as the others register).
    const leases = new Leases(await this.get(this.system.classOf(leaseStoreOf(this.system))).recorder());
    const deadline = Date.now() + 30_000;
    for (;;) {
      const held = (await leases.list()).filter((l) => l.live && !l.name.startsWith('worker/'));
      const slots = (await this.status()).length;
      const share = Math.ceil(slots / this.#count);
      const perOwner = new Map<string, number>();
      for (const l of held) perOwner.set(l.owner, (perOwner.get(l.owner) ?? 0) + 1);
      if (held.length === slots && [...perOwner.values()].every((owned) => owned <= share)) return;
      if (Date.now() > deadline) throw new Error(`the workers did not share the leases: ${JSON.stringify(held)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  override async stop(): Promise<void> {
    const exits = await Promise.all(this.processes.splice(0).map((p) => p.terminate()));
    await super.stop();
    const failed = exits.filter((e) => e.code !== 0);
    if (failed.length > 0) throw new Error(`worker processes exited with ${JSON.stringify(failed)}`);
  }
}

/** Polls `read` every 10 ms until it answers something; fails naming `what` after `timeout` ms. */
export async function until<T>(what: string, read: () => Promise<T | undefined>, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
