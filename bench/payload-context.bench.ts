/**
 * What binding encrypted payloads to their record costs: AES-256-GCM with the record's context
 * as additional authenticated data (tag 0x03) against AES-256-GCM without (tag 0x02, the unbound
 * form stores may still hold, which eventforge reads).
 *
 * - C1 seal: `sealPayload` with context vs the same encryption without AAD (the code of tag 0x02,
 *   reproduced here since eventforge writes only tag 0x03), for a DogSchool-sized and a 1 KiB payload;
 * - C2 open: `openPayload` of context-bound payloads vs no-context payloads of the same bytes;
 * - C3 load: `repository.get` of a 1,000-event dog (in memory) stored with context vs without.
 *
 * Subjects alternate in chunks so machine noise falls on both alike; only the ratios mean anything.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Dog, DogSchool } from '../examples/dog-school.js';
import { createMemoryRecorder, generateCipherKey, type StoredEvent } from '../runtime/index.js';
import { openPayload, sealPayload, type PayloadContext } from '../runtime/payload-envelope.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const OPS = Math.max(2_000, Math.round(200_000 * SCALE));
const CHUNK = 1_000;
const LONG = 1_000;
const LOADS = Math.max(5, Math.round(40 * SCALE));

// Nonces from a pool refilled 256 at a time, as payload-envelope.ts draws them.
let pool = Buffer.alloc(0);
let offset = 0;
function nextNonce(): Buffer {
  if (offset + 12 > pool.length) [pool, offset] = [randomBytes(12 * 256), 0];
  offset += 12;
  return pool.subarray(offset - 12, offset);
}

/** Tag 0x02: AES-256-GCM of the payload, no additional authenticated data. */
function sealWithoutContext(plain: Uint8Array, key: Uint8Array): Uint8Array {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Uint8Array.of(0x02), nonce, body, cipher.getAuthTag()]);
}

function timeChunks(ops: number, run: (subject: 'a' | 'b', count: number) => void): [number, number] {
  run('a', CHUNK);
  run('b', CHUNK); // warm-up, untimed
  const total = { a: 0, b: 0 };
  for (let c = 0; c < ops / CHUNK; c++) {
    for (const subject of c % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      const start = performance.now();
      run(subject, CHUNK);
      total[subject] += performance.now() - start;
    }
  }
  return [total.a, total.b];
}

export default async function payloadContextBench(report: BenchReport): Promise<void> {
  const key = Buffer.from(generateCipherKey(), 'base64');
  const context: PayloadContext = {
    kind: 'event',
    streamId: '0b5e7f9a-3c1d-4e2f-8a6b-9c0d1e2f3a4b',
    version: 42,
    topic: 'DogSchool.Dog.TrickAdded',
    schemaVersion: 1,
    timestamp: new Date(),
  };
  for (const [size, plain] of [
    ['40 B', Buffer.from(JSON.stringify({ trick: { name: 'roll over' } }))],
    ['1 KiB', Buffer.from(JSON.stringify({ text: 'x'.repeat(1010) }))],
  ] as const) {
    const [withMs, withoutMs] = timeChunks(OPS, (subject, count) => {
      for (let i = 0; i < count; i++) {
        if (subject === 'a') sealPayload(plain, { cipherKey: key }, context);
        else sealWithoutContext(plain, key);
      }
    });
    report.add({ workload: 'C1-seal', size, subject: 'context', opsPerSecond: Math.round(OPS / (withMs / 1000)) });
    report.add({
      workload: 'C1-seal',
      size,
      subject: 'no-context',
      opsPerSecond: Math.round(OPS / (withoutMs / 1000)),
    });
    report.log(`C1 seal ${size}: with context takes ${(withMs / withoutMs).toFixed(2)}× the time without`);

    const bound = sealPayload(plain, { cipherKey: key }, context);
    const unbound = sealWithoutContext(plain, key);
    const [openWithMs, openWithoutMs] = timeChunks(OPS, (subject, count) => {
      for (let i = 0; i < count; i++) openPayload(subject === 'a' ? bound : unbound, { cipherKey: key }, context);
    });
    report.add({ workload: 'C2-open', size, subject: 'context', opsPerSecond: Math.round(OPS / (openWithMs / 1000)) });
    report.add({
      workload: 'C2-open',
      size,
      subject: 'no-context',
      opsPerSecond: Math.round(OPS / (openWithoutMs / 1000)),
    });
    report.log(`C2 open ${size}: with context takes ${(openWithMs / openWithoutMs).toFixed(2)}× the time without`);
  }

  // C3: the same 1,000-event dog, stored with context and (re-sealed the old way) without.
  const recorder = createMemoryRecorder();
  const app = new DogSchool({ recorder, cipherKey: key, snapshotEvery: { Dog: null } });
  const dog = Dog.create({ name: 'Fido' });
  for (let i = 1; i < LONG; i++) dog.addTrick(`trick number ${i}`);
  await app.save(dog);
  const stored = await recorder.readStream(dog.id);
  const old: StoredEvent[] = stored.map((e) => ({
    ...e,
    streamId: 'old-dog',
    state: sealWithoutContext(openPayload(e.state, { cipherKey: key }, { kind: 'event', ...e }), key),
  }));
  await recorder.append(old);
  const dogs = app.repository(Dog);
  let loadWith = 0;
  let loadWithout = 0;
  for (let round = 0; round < LOADS + 2; round++) {
    for (const id of round % 2 === 0 ? [dog.id, 'old-dog'] : ['old-dog', dog.id]) {
      const start = performance.now();
      await dogs.get(id);
      // The first two rounds warm up.
      if (round >= 2)
        id === dog.id ? (loadWith += performance.now() - start) : (loadWithout += performance.now() - start);
    }
  }
  report.add({
    workload: 'C3-load',
    store: 'memory',
    subject: 'context',
    eventsPerSecond: Math.round((LOADS * LONG) / (loadWith / 1000)),
  });
  report.add({
    workload: 'C3-load',
    store: 'memory',
    subject: 'no-context',
    eventsPerSecond: Math.round((LOADS * LONG) / (loadWithout / 1000)),
  });
  report.log(
    `C3 load of ${LONG} encrypted events: with context takes ${(loadWith / loadWithout).toFixed(2)}× the time without`,
  );
  await app.close();
}
