/**
 * `eventforge run` and `eventforge system status`: load the user's system module (JavaScript, or
 * TypeScript: through the running loader, else jiti, as the catalog does), give each
 * application its store from the environment, then run the system (all its followers in this
 * process, or a worker's share under leases) or report where its followers stand.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  applicationOptionsFromEnv,
  ConcurrentRunner,
  systemSlots,
  systemStatus,
  Worker,
  type Application,
  type Partitions,
  type ProcessApplication,
  type SlotStatus,
  type System,
} from 'eventforge/runtime';
import { EXIT, type CliIo } from '../command.js';
import { displayPath } from '../files/read-sources.js';
import { importUserModule } from '../files/user-module.js';

/** What `eventforge run` was told, as typed. */
export interface RunOptions {
  readonly module: string;
  readonly export?: string;
  readonly worker: boolean;
  readonly followers?: string;
  readonly partitions?: string;
  readonly id?: string;
  readonly leaseTtl?: string;
  readonly batchSize?: string;
  readonly maxAttempts?: string;
  readonly retryDelay?: string;
}

/** A usage mistake: printed with the usage line, exit 2. */
class UsageMistake extends Error {}

/** Runs the system until SIGTERM or SIGINT (or `io.signal`), then drains; resolves to the exit code. */
export async function runSystem(options: RunOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const say = (line: string) => io.out(`eventforge run: ${line}`);
  let parsed: { system: System; partitions: Partitions | undefined; followers: string[] | undefined };
  let numbers: { leaseTtlMs?: number; batchSize?: number; maxAttempts?: number; retryDelayMs?: number };
  try {
    parsed = {
      system: await loadSystem(options.module, options.export, io),
      partitions: options.partitions === undefined ? undefined : parsePartitions(options.partitions),
      followers: options.followers?.split(',').map((f) => f.trim()),
    };
    if (
      !options.worker &&
      (parsed.partitions !== undefined || parsed.followers !== undefined || options.id !== undefined)
    ) {
      throw new UsageMistake('--followers, --partitions and --id are for a worker: add --worker');
    }
    numbers = {
      ...count('lease-ttl', options.leaseTtl, 'leaseTtlMs'),
      ...count('batch-size', options.batchSize, 'batchSize'),
      ...count('max-attempts', options.maxAttempts, 'maxAttempts'),
      ...count('retry-delay', options.retryDelay, 'retryDelayMs'),
    };
  } catch (error) {
    io.err(`eventforge run: ${(error as Error).message}`);
    return error instanceof UsageMistake ? EXIT.usage : EXIT.failed;
  }
  const applicationOptions = applicationOptionsFromEnv(env);
  const { system, partitions, followers } = parsed;
  const stopped = stopSignal(io);
  if (options.worker) {
    const worker = new Worker(system, {
      applicationOptions,
      ...numbers,
      ...(partitions === undefined ? {} : { partitions }),
      ...(followers === undefined ? {} : { followers }),
      ...(options.id === undefined ? {} : { id: options.id }),
      log: (line) => io.out(line),
    });
    try {
      await worker.start();
      say(`worker ${worker.id} started; ${worker.status().length} follower(s) to share; SIGTERM drains and exits`);
      await stopped.promise;
      say(`worker ${worker.id} draining`);
    } finally {
      stopped.dispose();
      await worker.stop();
    }
    say(`worker ${worker.id} stopped: batches committed, leases released`);
    return EXIT.ok;
  }
  const runner = new ConcurrentRunner(system, { applicationOptions, ...numbers });
  try {
    await runner.start();
    say(`running ${system.edges.length} follower(s) in this process; SIGTERM drains and exits`);
    const reported = new Set<string>();
    const watch = setInterval(async () => {
      for (const s of await runner.status().catch(() => [])) {
        const key = `${s.follower}/${s.leader}`;
        if (s.failure !== undefined && !reported.has(key)) {
          reported.add(key);
          io.err(`eventforge run: ${key} failed: ${s.failure.message}`);
        }
      }
    }, 1000);
    await stopped.promise.finally(() => clearInterval(watch));
    say('draining');
  } finally {
    stopped.dispose();
    await runner.stop();
  }
  say('stopped: batches committed');
  return EXIT.ok;
}

/** What `eventforge system status` was told. */
export interface StatusOptions {
  readonly module: string;
  readonly export?: string;
  readonly partitions?: string;
  /** One JSON object instead of the table. */
  readonly json?: boolean;
}

/** Prints each follower's (and partition's) lease, position, head, lag and parked events; exit 1 on a failure or parked event. */
export async function printSystemStatus(
  options: StatusOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let system: System;
  let partitions: Partitions | undefined;
  try {
    system = await loadSystem(options.module, options.export, io);
    partitions = options.partitions === undefined ? undefined : parsePartitions(options.partitions);
  } catch (error) {
    io.err(`eventforge system: ${(error as Error).message}`);
    return error instanceof UsageMistake ? EXIT.usage : EXIT.failed;
  }
  const optionsOf = applicationOptionsFromEnv(env);
  const apps = new Map<string, Application>(
    system.classes.map((cls) => [cls.name, new cls({ ...optionsOf(cls.name), name: cls.name })]),
  );
  try {
    const projections = new Map(system.projections.map((cls) => [cls.name, new cls()]));
    const report = await systemStatus(
      system,
      systemSlots(system, partitions),
      (name) => apps.get(name)!,
      (follower) => projections.get(follower)?.topics ?? (apps.get(follower) as ProcessApplication).topics,
    );
    const trouble = report.slots.some((s) => s.failure !== undefined || s.parked.length > 0);
    if (options.json === true) {
      // bigints as decimal strings, dates as ISO strings: for monitoring scripts.
      io.out(
        JSON.stringify({ version: 1, ...report }, (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString() : value,
        ),
      );
      return trouble ? EXIT.failed : EXIT.ok;
    }
    for (const line of table(report.slots)) io.out(line);
    const live = report.workers.filter((w) => w.live);
    io.out(`workers alive: ${live.length}${live.length === 0 ? '' : ` (${live.map((w) => w.owner).join(', ')})`}`);
    for (const s of report.slots) {
      if (s.failure !== undefined) io.out(`${s.lease} failed (owner ${s.owner}): ${s.failure}`);
      for (const p of s.parked) io.out(`${s.lease} parked notification ${p.notificationId} (${p.topic}): ${p.error}`);
    }
    return trouble ? EXIT.failed : EXIT.ok;
  } finally {
    await Promise.all([...apps.values()].map((app) => app.close()));
  }
}

function table(slots: readonly SlotStatus[]): string[] {
  const now = Date.now();
  const rows = [
    ['FOLLOWER', 'LEADER', 'PARTITION', 'OWNER', 'LEASE', 'POSITION', 'HEAD', 'LAG', 'PARKED'],
    ...slots.map((s) => [
      s.follower,
      s.leader,
      s.partition ?? '-',
      s.owner ?? '-',
      s.owner === undefined
        ? 'none'
        : s.live
          ? `live, ${((s.expiresAt!.getTime() - now) / 1000).toFixed(1)} s left`
          : `expired ${((now - s.expiresAt!.getTime()) / 1000).toFixed(1)} s ago`,
      String(s.position),
      String(s.head),
      String(s.lag),
      String(s.parked.length),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The system a module exports: `--export NAME`, else its default export, else its one System export. */
async function loadSystem(module: string, name: string | undefined, io: CliIo): Promise<System> {
  const file = resolve(io.cwd, module);
  const shown = displayPath(io.cwd, file);
  if (!existsSync(file)) throw new UsageMistake(`no module at ${shown}; pass the file that exports your System`);
  let exports: Record<string, unknown>;
  try {
    exports = await importUserModule(file);
  } catch (error) {
    throw new Error(`cannot import ${shown}: ${(error as Error).message}`);
  }
  const systems = Object.entries(exports).filter(([, value]) => isSystem(value));
  if (name !== undefined) {
    const value = exports[name];
    if (isSystem(value)) return value;
    throw new UsageMistake(
      `${shown} exports no System named ${name}; its systems: ${systems.map(([n]) => n).join(', ') || 'none'}`,
    );
  }
  const chosen = isSystem(exports['default']) ? exports['default'] : systems.length === 1 ? systems[0]![1] : undefined;
  if (chosen !== undefined) return chosen as System;
  throw new UsageMistake(
    systems.length === 0
      ? `${shown} exports no System; export one (export const system = new System([[Orders, Payments]]))`
      : `${shown} exports several systems (${systems.map(([n]) => n).join(', ')}); choose one with --export NAME`,
  );
}

/** A System of this runtime or of another copy of it: what the runners read of one. */
function isSystem(value: unknown): value is System {
  const v = value as Partial<System> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.edges) && Array.isArray(v.classes);
}

/** `Counters=3,Payments=2` */
function parsePartitions(text: string): Partitions {
  const partitions: Record<string, number> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z_$][\w$]*)\s*=\s*([0-9]+)\s*$/.exec(part);
    if (match === null) {
      throw new UsageMistake(`--partitions ${text}: expected FOLLOWER=COUNT[,FOLLOWER=COUNT…], e.g. Counters=3`);
    }
    partitions[match[1]!] = Number(match[2]);
  }
  return partitions;
}

function count<K extends string>(flag: string, text: string | undefined, key: K): Partial<Record<K, number>> {
  if (text === undefined) return {};
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageMistake(`--${flag} is ${text}; expected a positive integer`);
  return { [key]: Number(text) } as Partial<Record<K, number>>;
}

/** Resolves on SIGTERM, SIGINT or `io.signal`; `dispose` removes the handlers. */
function stopSignal(io: CliIo): { promise: Promise<void>; dispose: () => void } {
  let resolveStop: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolveStop = r));
  const stop = () => resolveStop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  io.signal?.addEventListener('abort', stop);
  return {
    promise,
    dispose: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.signal?.removeEventListener('abort', stop);
    },
  };
}
