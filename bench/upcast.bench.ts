/**
 * Upcasting at read time: loading a Bank account of 1,000 events whose 999
 * deposits are stored at Deposited v1 — each read runs v1 → v2 (rename, default, drop) → v3
 * (the custom `depositTransactionId`, a SHA-1 name-based UUID) — against the same account stored
 * at the current version v3, in the same run. Target: ≤ 1.3×. The same account stored at v2
 * (one step) is measured too.
 *
 * The v1 and v2 data are written by releases 1 and 2's own generated code (the kept schema
 * copies in test/fixtures/versioning/), the v3 data by the current code with the values the
 * upcasters produce, so all loads end in the same state (checked before timing).
 *
 * U1 runs on the in-memory recorder (the runtime's CPU cost alone: the strictest ratio) and on a
 * SQLite file. U2 is the codec alone: decode of one stored Deposited payload, v1 vs v3.
 * Subjects alternate in small chunks so machine noise falls on both alike; a ratio is the median
 * of the ratios of adjacent chunks (robust to a noise burst hitting one chunk), and the ratio of
 * the means is reported beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Decimal } from 'decimal.js';
import { accountStateCodec, bankDomain, depositedCodec } from '../generated/bank/index.js';
import { Application, createMemoryRecorder, type Recorder } from '../runtime/index.js';
import { depositTransactionId } from '../schemas/bank.upcasters.js';
import { generateRelease, removeReleaseCode, type AccountTriggers } from '../test/fixtures/versioning/release-code.js';
import { BankAccount } from '../test/versioning/support/bank-account.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const EVENTS = 1000;
const LOADS = Math.max(10, Math.round(150 * SCALE));
const CHUNK = 5;
const DECODES = Math.max(20_000, Math.round(200_000 * SCALE));
const ACCOUNT_ID = '6f1a3c2e-1b7d-4e8a-9c0f-2d3e4f5a6b99';
const OPENED = { owner: 'Bench Account', email: 'bench@example.com', currency: 'EUR', openedOn: '2024-01-01' } as const;

/** Deposit n: varied amounts, notes and channels, as real data would be. */
function deposit(n: number): { amount: Decimal; note?: string; channel: string } {
  return {
    amount: new Decimal(n % 97).plus(new Decimal(n % 100).div(100)).plus(1),
    ...(n % 3 === 0 ? { note: `note ${n}` } : {}),
    channel: n % 2 === 0 ? 'web' : 'atm',
  };
}

/** The account as release 1 (Deposited v1) or release 2 (Deposited v2) stored it, written by that release's code. */
async function writeAtRelease(release: 1 | 2, recorder: Recorder): Promise<void> {
  const code = await generateRelease(release === 1 ? 'bank-v1' : 'bank-v2');
  const app = new Application({
    name: `Release${release}`,
    domains: [code.bankDomain],
    recorder,
    snapshotEvery: { Account: null },
  });
  const account = code.Account.create(OPENED, { id: ACCOUNT_ID });
  for (let n = 1; n < EVENTS; n++) {
    const d = deposit(n);
    const note = d.note === undefined ? {} : { note: d.note };
    (account as unknown as AccountTriggers).triggerDeposited(
      release === 1 ? { sum: d.amount, channel: d.channel, ...note } : { amount: d.amount, ...note },
    );
  }
  await app.save(account);
  await app.close();
}

async function writeAtCurrent(recorder: Recorder): Promise<void> {
  const app = new Application({ name: 'Current', domains: [bankDomain], recorder, snapshotEvery: { Account: null } });
  const account = BankAccount.create(OPENED, { id: ACCOUNT_ID });
  for (let n = 1; n < EVENTS; n++) {
    const d = deposit(n);
    account.deposit({
      amount: d.amount,
      transactionId: depositTransactionId({
        amount: d.amount,
        reference: '',
        ...(d.note === undefined ? {} : { note: d.note }),
      }),
    });
  }
  await app.save(account);
  await app.close();
}

interface Stores {
  readonly name: string;
  open(): Promise<Recorder>;
}

async function storeKinds(dir: string): Promise<Stores[]> {
  let n = 0;
  const kinds: Stores[] = [{ name: 'memory', open: async () => createMemoryRecorder() }];
  try {
    const { createSqliteRecorder } = await import('../runtime/sql/index.js');
    kinds.push({ name: 'sqlite', open: () => createSqliteRecorder({ filename: join(dir, `upcast-${++n}.sqlite`) }) });
  } catch (error) {
    console.log(`  (no SQLite recorder: ${(error as Error).message})`);
  }
  return kinds;
}

/** Per subject: mean milliseconds per call, and the milliseconds of each chunk of CHUNK calls (subjects alternate chunk by chunk). */
async function alternate(
  subjects: readonly (() => Promise<unknown>)[],
  total: number,
): Promise<{ mean: number[]; chunks: number[][] }> {
  const chunks: number[][] = subjects.map(() => []);
  for (const run of subjects) await run(); // warm up
  for (let done = 0; done < total; done += CHUNK) {
    for (const [i, run] of subjects.entries()) {
      const start = performance.now();
      for (let k = 0; k < CHUNK; k++) await run();
      chunks[i]!.push(performance.now() - start);
    }
  }
  return { mean: chunks.map((c) => c.reduce((a, b) => a + b, 0) / (c.length * CHUNK)), chunks };
}

/** The median over rounds of `a`'s chunk time divided by `b`'s chunk time in the same round. */
function medianRatio(a: readonly number[], b: readonly number[]): number {
  const ratios = a.map((ms, i) => ms / b[i]!).sort((x, y) => x - y);
  const mid = ratios.length >> 1;
  return ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

export default async function (report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-upcast-bench-'));
  try {
    for (const kind of await storeKinds(dir)) {
      const atV1 = await kind.open();
      const atV2 = await kind.open();
      const atV3 = await kind.open();
      await writeAtRelease(1, atV1);
      await writeAtRelease(2, atV2);
      await writeAtCurrent(atV3);
      const readers = [atV1, atV2, atV3].map(
        (recorder, i) =>
          new Application({ name: `ReadV${i + 1}`, domains: [bankDomain], recorder, snapshotEvery: { Account: null } }),
      );
      const loads = readers.map((app) => () => app.repository(BankAccount).get(ACCOUNT_ID));
      const states = await Promise.all(
        loads.map(async (load) => JSON.stringify(accountStateCodec.encode((await load()).takeSnapshot().state))),
      );
      if (new Set(states).size !== 1)
        throw new Error(
          `the accounts stored at v1, v2 and v3 load differently (${kind.name}): the bench would compare different work`,
        );
      const { mean, chunks } = await alternate(loads, LOADS);
      const [v1Ms, v2Ms, v3Ms] = mean;
      const subjects = [
        ['stored at v1 (two steps)', v1Ms!],
        ['stored at v2 (one step)', v2Ms!],
        ['stored at v3', v3Ms!],
      ] as const;
      for (const [subject, ms] of subjects)
        report.add({ workload: 'U1 load 1,000 events', database: kind.name, subject, msPerLoad: round(ms) });
      const v1Ratio = medianRatio(chunks[0]!, chunks[2]!);
      const v2Ratio = medianRatio(chunks[1]!, chunks[2]!);
      report.add({
        workload: 'U1 load 1,000 events',
        database: kind.name,
        subject: 'ratio v1/v3',
        ratio: Number(v1Ratio.toFixed(3)),
        ratioOfMeans: Number((v1Ms! / v3Ms!).toFixed(3)),
      });
      report.add({
        workload: 'U1 load 1,000 events',
        database: kind.name,
        subject: 'ratio v2/v3',
        ratio: Number(v2Ratio.toFixed(3)),
        ratioOfMeans: Number((v2Ms! / v3Ms!).toFixed(3)),
      });
      report.log(
        `U1 ${kind.name}: v1 ${round(v1Ms!)} ms, v2 ${round(v2Ms!)} ms, v3 ${round(v3Ms!)} ms per load → ` +
          `v1/v3 ${v1Ratio.toFixed(2)}× (of means ${(v1Ms! / v3Ms!).toFixed(2)}×), v2/v3 ${v2Ratio.toFixed(2)}× (target ≤ 1.3×)`,
      );
      for (const app of readers) await app.close();
      for (const r of [atV1, atV2, atV3]) await r.close();
    }

    // U2: the codec alone, one payload.
    const wireV1 = { sum: '42.17', note: 'note 3', channel: 'web' };
    const wireV3 = depositedCodec.encode(depositedCodec.decode(wireV1, 1));
    const decodes = async (wire: unknown, version: number) => {
      for (let i = 0; i < 1000; i++) depositedCodec.decode(wire, version);
    };
    const decoded = await alternate([() => decodes(wireV1, 1), () => decodes(wireV3, 3)], DECODES / 1000);
    const [d1, d3] = decoded.mean;
    const decodeRatio = medianRatio(decoded.chunks[0]!, decoded.chunks[1]!);
    report.add({ workload: 'U2 decode one Deposited', subject: 'v1 → v3', nsPerDecode: Math.round(d1! * 1000) });
    report.add({ workload: 'U2 decode one Deposited', subject: 'v3', nsPerDecode: Math.round(d3! * 1000) });
    report.add({
      workload: 'U2 decode one Deposited',
      subject: 'ratio v1→v3 / v3',
      ratio: Number(decodeRatio.toFixed(3)),
    });
    report.log(
      `U2 decode: v1→v3 ${Math.round(d1! * 1000)} ns vs v3 ${Math.round(d3! * 1000)} ns → ${decodeRatio.toFixed(2)}×`,
    );
  } finally {
    removeReleaseCode();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
