/**
 * The application layer's cost: what `Application.save` and `Repository.get` add on
 * top of the recorder — codecs, validation, the mapper, the aggregate's replay — measured in the
 * same run as the recorder driven directly with ready-made StoredEvents of the same bytes.
 *
 * - R1 save: new DogSchool dogs of 10 events, one `app.save` each, vs `recorder.append` of the
 *   same stored events → events/s and the ratio;
 * - R2 load: `repository.get` of a 1,000-event dog vs `recorder.readStream` of it → ratio;
 * - R3 layers: R1 and R2 with deflate + AES-256-GCM against plain payloads → ratio;
 * - R4 wide save: R1 with Bank accounts of 10 events whose payloads carry decimals, UUIDs,
 *   date-times and 100-character texts, so encoding is a visible share of a save (memory only:
 *   on a file the fsync hides it) → ratio.
 *
 * Each runs on the in-memory recorder (the runtime's CPU cost alone) and on a SQLite file.
 * Subjects alternate in small chunks so machine noise falls on both alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryRecorder, generateCipherKey, type Recorder, type StoredEvent } from '../runtime/index.js';
import { createSqliteRecorder } from '../runtime/sql/index.js';
import { Dog, DogSchool } from '../examples/dog-school.js';
import { bankDomain } from '../generated/bank/index.js';
import { Application } from '../runtime/application.js';
import { BankAccount, Decimal } from '../test/versioning/support/bank-account.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const DOGS = Math.max(40, Math.round(1000 * SCALE));
const EVENTS = 10;
const CHUNK = 20;
const LONG = 1000;
const LOADS = Math.max(5, Math.round(30 * SCALE));

interface Store {
  readonly name: string;
  recorder(): Promise<Recorder>;
}

function openStores(dir: string): Store[] {
  let n = 0;
  return [
    { name: 'memory', recorder: async () => createMemoryRecorder() },
    { name: 'sqlite', recorder: () => createSqliteRecorder({ filename: join(dir, `r-${++n}.sqlite`) }) },
  ];
}

/** A dog with `events` events, built by the real commands (validation included). */
function newDog(events: number): Dog {
  const dog = Dog.create({ name: 'Fido' });
  for (let i = 1; i < events; i++) dog.addTrick(`trick number ${i}`);
  return dog;
}

/** The stored form of a dog's events, encoded once up front: what the baseline appends. */
async function storedFormOf(events: number): Promise<StoredEvent[]> {
  const recorder = createMemoryRecorder();
  const app = new DogSchool({ recorder });
  const dog = newDog(events);
  await app.save(dog);
  return recorder.readStream(dog.id);
}

/** A Bank account opened and given `events - 1` deposits, by the real commands. */
function newAccount(events: number): BankAccount {
  const account = BankAccount.create({
    owner: 'Ada Lovelace',
    email: 'ada@example.com',
    currency: 'EUR',
    openedOn: '2024-01-31',
  });
  for (let i = 1; i < events; i++) {
    account.deposit({
      amount: new Decimal(`${i}.25`),
      reference: `invoice ${i} `.padEnd(100, 'x'),
      transactionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      occurredAt: new Date(Date.UTC(2024, 1, 1, 0, 0, i)),
    });
  }
  return account;
}

function withStream(events: readonly StoredEvent[], streamId: string): StoredEvent[] {
  return events.map((e) => ({ ...e, streamId }));
}

async function timeChunks(chunks: number, run: (subject: 'a' | 'b') => Promise<void>): Promise<[number, number]> {
  // Warm-up, untimed: both paths compiled by the JIT before the clock starts.
  for (let c = 0; c < Math.max(2, Math.round(chunks / 5)); c++) {
    await run('a');
    await run('b');
  }
  const total = { a: 0, b: 0 };
  for (let c = 0; c < chunks; c++) {
    for (const subject of c % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      const start = performance.now();
      await run(subject);
      total[subject] += performance.now() - start;
    }
  }
  return [total.a, total.b];
}

export default async function runtimeBench(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-bench-runtime-'));
  try {
    const template = await storedFormOf(EVENTS);
    for (const store of openStores(dir)) {
      // R1: saves of new 10-event dogs.
      const appRecorder = await store.recorder();
      const rawRecorder = await store.recorder();
      // No snapshots: R2 must replay all 1,000 events.
      const app = new DogSchool({ recorder: appRecorder, snapshotEvery: { Dog: null } });
      let raw = 0;
      const [appMs, rawMs] = await timeChunks(DOGS / CHUNK, async (subject) => {
        for (let i = 0; i < CHUNK; i++) {
          if (subject === 'a') await app.save(newDog(EVENTS));
          else await rawRecorder.append(withStream(template, `raw-${++raw}`));
        }
      });
      const events = DOGS * EVENTS; // each subject saves DOGS dogs
      report.add({
        workload: 'R1-save',
        store: store.name,
        subject: 'application',
        eventsPerSecond: Math.round(events / (appMs / 1000)),
      });
      report.add({
        workload: 'R1-save',
        store: store.name,
        subject: 'recorder',
        eventsPerSecond: Math.round(events / (rawMs / 1000)),
      });
      report.log(
        `R1 ${store.name}: application.save is ${(rawMs / appMs).toFixed(2)}× the recorder's append throughput`,
      );

      // R2: loads of one 1,000-event dog (no snapshot).
      const long = newDog(LONG);
      await app.save(long);
      const repository = app.repository(Dog);
      const [getMs, readMs] = await timeChunks(LOADS, async (subject) => {
        if (subject === 'a') await repository.get(long.id);
        else await appRecorder.readStream(long.id);
      });
      const loaded = LOADS * LONG; // each subject loads LOADS times
      report.add({
        workload: 'R2-load',
        store: store.name,
        subject: 'repository.get',
        eventsPerSecond: Math.round(loaded / (getMs / 1000)),
      });
      report.add({
        workload: 'R2-load',
        store: store.name,
        subject: 'recorder.readStream',
        eventsPerSecond: Math.round(loaded / (readMs / 1000)),
      });
      report.log(
        `R2 ${store.name}: repository.get is ${(readMs / getMs).toFixed(2)}× the recorder's readStream throughput`,
      );

      // R3: the same save + load with deflate + AES-256-GCM.
      const sealed = new DogSchool({
        recorder: await store.recorder(),
        cipherKey: generateCipherKey(),
        compression: 'deflate',
      });
      const plain = new DogSchool({ recorder: await store.recorder() });
      const [sealedMs, plainMs] = await timeChunks(DOGS / CHUNK, async (subject) => {
        const target = subject === 'a' ? sealed : plain;
        for (let i = 0; i < CHUNK / 2; i++) {
          const dog = newDog(EVENTS);
          await target.save(dog);
          await target.dogs.get(dog.id);
        }
      });
      report.add({
        workload: 'R3-layers',
        store: store.name,
        subject: 'deflate+aes-256-gcm',
        ms: Math.round(sealedMs),
      });
      report.add({ workload: 'R3-layers', store: store.name, subject: 'plain', ms: Math.round(plainMs) });
      report.log(
        `R3 ${store.name}: save+get with deflate + AES-256-GCM takes ${(sealedMs / plainMs).toFixed(2)}× the plain time`,
      );
      if (store.name === 'memory') await wideSaves(report, store);
      for (const a of [app, sealed, plain]) await a.close();
      await appRecorder.close();
      await rawRecorder.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** R4: saves of new 10-event Bank accounts against appending their stored form. */
async function wideSaves(report: BenchReport, store: Store): Promise<void> {
  const templateRecorder = createMemoryRecorder();
  // Owners are personal data; this measures the save path as before data keys: stored unencrypted, explicitly.
  const templateApp = new Application({
    env: {},
    domains: [bankDomain],
    recorder: templateRecorder,
    personalData: 'clear',
  });
  const first = newAccount(EVENTS);
  await templateApp.save(first);
  const template = await templateRecorder.readStream(first.id);
  const app = new Application({
    env: {},
    personalData: 'clear',
    domains: [bankDomain],
    recorder: await store.recorder(),
    snapshotEvery: { Account: null },
  });
  const rawRecorder = await store.recorder();
  let raw = 0;
  const [appMs, rawMs] = await timeChunks(DOGS / CHUNK, async (subject) => {
    for (let i = 0; i < CHUNK; i++) {
      if (subject === 'a') await app.save(newAccount(EVENTS));
      else await rawRecorder.append(withStream(template, `raw-${++raw}`));
    }
  });
  const events = DOGS * EVENTS;
  report.add({
    workload: 'R4-wide-save',
    store: store.name,
    subject: 'application',
    eventsPerSecond: Math.round(events / (appMs / 1000)),
  });
  report.add({
    workload: 'R4-wide-save',
    store: store.name,
    subject: 'recorder',
    eventsPerSecond: Math.round(events / (rawMs / 1000)),
  });
  report.log(
    `R4 ${store.name}: application.save of wide payloads is ${(rawMs / appMs).toFixed(2)}× the recorder's append throughput`,
  );
  await app.close();
  await rawRecorder.close();
  await templateApp.close();
}
