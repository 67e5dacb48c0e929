/**
 * Workers' leases (docs/systems.md#workers): how long a standby waits after kill -9 of the
 * owner, for the lease table the workers use (TTL 1000 ms, renewed and retried every TTL/5)
 * against a session advisory lock on a dedicated connection (released when the server sees the
 * killed process's socket close: the physical limit on one machine); and what holding costs per
 * renewal, against a `SELECT 1` round trip on the same pool. Subjects alternate; 5 rounds;
 * medians and ranges. PostgreSQL at EVENTFORGE_BENCH_DATABASE_URL (default the test server).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createPostgresRecorder } from '../runtime/sql/index.js';
import { Leases } from '../runtime/system/leases.js';
import { postgresReachable } from './persistence/stores.js';
import type { BenchReport } from './run.js';

const URL_BASE = process.env.EVENTFORGE_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ROUNDS = 5;
const TTL = 1000;
const holder = join(import.meta.dirname, 'systems/lease-holder.ts');

/** Starts a holder, waits for `held`, kills it -9; ms until `take` succeeds (polled every `every` ms). */
async function failover(
  mode: 'advisory' | 'lease',
  url: string,
  key: string,
  take: () => Promise<boolean>,
  every: number,
) {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, mode, url, key, String(TTL)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // A moment for the holder's renewals to settle into their rhythm.
  await new Promise((resolve) => setTimeout(resolve, TTL / 2));
  const killed = performance.now();
  child.kill('SIGKILL');
  while (!(await take())) await new Promise((resolve) => setTimeout(resolve, every));
  const took = performance.now() - killed;
  await exited;
  return took;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

export default async function (report: BenchReport): Promise<void> {
  const unreachable = await postgresReachable(URL_BASE);
  if (unreachable !== undefined) {
    report.log(`skipped: ${unreachable}`);
    return;
  }
  const schema = `ef_bench_leases_${randomBytes(4).toString('hex')}`;
  const url = `${URL_BASE}?schema=${schema}`;
  const recorder = await createPostgresRecorder({ url });
  const leases = new Leases(recorder);
  const client = new pg.Client(URL_BASE);
  await client.connect();
  try {
    const advisory: number[] = [];
    const table: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `bench ${round}`;
      advisory.push(
        await failover(
          'advisory',
          URL_BASE,
          key,
          async () =>
            (await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key])).rows[0].ok,
          5,
        ),
      );
      await client.query('SELECT pg_advisory_unlock_all()');
      table.push(await failover('lease', url, key, () => leases.acquire(key, 'standby', TTL), TTL / 5));
    }
    report.add({
      subject: 'advisory lock',
      measure: 'fail-over after kill -9, ms',
      median: Math.round(median(advisory)),
      range: range(advisory),
    });
    report.add({
      subject: `lease table (TTL ${TTL} ms)`,
      measure: 'fail-over after kill -9, ms',
      median: Math.round(median(table)),
      range: range(table),
      ratioToTtl: +(median(table) / TTL).toFixed(2),
    });

    // Holding: one renewal against the least round trip on the same pool.
    await leases.acquire('held', 'me', TTL);
    const renew: number[] = [];
    const select: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [subject, work] of [
        [select, () => recorder.transaction((tx) => tx.query('SELECT 1'))],
        [renew, () => leases.renew('held', 'me', TTL)],
      ] as const) {
        const n = 200;
        const started = performance.now();
        for (let i = 0; i < n; i++) await work();
        subject.push((performance.now() - started) / n);
      }
    }
    report.add({
      subject: 'lease renewal',
      measure: 'ms per renewal (÷ SELECT 1 in a transaction)',
      median: +median(renew).toFixed(3),
      baseline: +median(select).toFixed(3),
      ratio: +(median(renew) / median(select)).toFixed(2),
      ratioRange: `${(Math.min(...renew) / Math.max(...select)).toFixed(2)}–${(Math.max(...renew) / Math.min(...select)).toFixed(2)}`,
    });
  } finally {
    await recorder.close();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
