/**
 * The worked example (examples/shop.ts: Orders → Reservations → Payments, with the StockLevels
 * view) as three real worker processes (`eventforge run examples/shop.ts --worker`) on PostgreSQL,
 * held to the same scenario and final state as the single-threaded run (shop-scenario.ts): each
 * process owns one follower's lease, `eventforge system status` shows them caught up, and each
 * exits 0 on SIGTERM, releasing its lease.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ApplicationOptions, Leases } from 'eventforge/runtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Reservations, system } from '../../examples/shop.js';
import { StockLevelsProjection } from '../../generated/shop/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { expectShopState, placeShopOrders } from './shop-scenario.js';
import { SpawnedWorkers, storeEnv } from './worker-processes.js';

const root = join(import.meta.dirname, '../..');
/** The shop's module: it exports the system and starts nothing, so the workers load it as it is. */
const SHOP = join(root, 'examples/shop.ts');

const postgresSkip = await postgresSkipReason();
if (postgresSkip !== undefined) console.log(`shop worker-process test skipped: ${postgresSkip}`);
const schemas = new SchemaPool('shopworkers');
afterAll(() => schemas.dropAll());
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(postgresSkip !== undefined)('the shop as three worker processes on PostgreSQL', () => {
  it('each worker owns one follower; the final state is that of the single-threaded run; each exits 0 on SIGTERM', async () => {
    const names = new Map(system.classes.map((cls) => [cls.name, schemas.next()]));
    const applicationOptions = (name: string): ApplicationOptions => ({
      env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
    });
    // Three processes, three followers (Reservations, Payments, the StockLevels view): one each.
    const runner = new SpawnedWorkers('system', system, { applicationOptions, retryDelayMs: 1 }, 3, 2000, SHOP);
    cleanups.push(() => runner.stop());
    await runner.start();
    const workers = runner.processes.map((p) => p.id!).sort();
    const leases = new Leases(await runner.get(Reservations).recorder());
    const held = (await leases.list()).filter((l) => l.live && !l.name.startsWith('worker/'));
    expect(held.map((l) => l.name).sort()).toEqual([
      'Payments/Reservations',
      'Reservations/Orders',
      'StockLevelsProjection/Reservations',
    ]);
    expect(held.map((l) => l.owner).sort()).toEqual(workers);

    const placed = await placeShopOrders(runner);
    // The view is kept by a worker process; this one reads its table in Reservations' store.
    await expectShopState(runner, placed, new StockLevelsProjection());

    // `eventforge system status`: every follower caught up, owned by a live worker, nothing parked.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'bin/eventforge.js'), 'system', 'status', SHOP, '--export=system', '--json'],
      { cwd: root, env: { ...process.env, ...storeEnv(system, applicationOptions) } },
    );
    const report = JSON.parse(stdout) as {
      slots: { lease: string; owner: string; live: boolean; lag: string; parked: unknown[] }[];
      workers: { owner: string; live: boolean }[];
    };
    expect(report.slots.map((s) => [s.lease, s.live, s.lag, s.parked.length])).toEqual([
      ['Reservations/Orders', true, '0', 0],
      ['Payments/Reservations', true, '0', 0],
      ['StockLevelsProjection/Reservations', true, '0', 0],
    ]);
    expect(report.slots.map((s) => s.owner).sort()).toEqual(workers);
    expect(
      report.workers
        .filter((w) => w.live)
        .map((w) => w.owner)
        .sort(),
    ).toEqual(workers);

    // SIGTERM: each drains, releases its lease and exits 0.
    const exits = await Promise.all(runner.processes.map((p) => p.terminate()));
    expect(exits).toEqual(Array(3).fill({ code: 0, signal: null }));
    for (const p of runner.processes) expect(p.output).toMatch(/stopped: batches committed, leases released/);
    expect((await leases.list()).filter((l) => !l.name.startsWith('worker/'))).toEqual([]);
  }, 120_000);
});
