/**
 * kill -9 of a projection runner's process at several moments of its catch-up, on a SQLite file
 * and a PostgreSQL schema, then a run to the end: every event is applied exactly once (the view's
 * per-event rows are 1..N without a repeat), because each batch and its position commit together.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECTION_UPSTREAM } from '../../runtime/projection.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { dir, ids, kennel, schemas, stores, TrickTally } from './fixtures.js';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const script = join(import.meta.dirname, 'runner-process.ts');
/** Kill points: the stored position (a fraction of the log) the runner must have passed; 0: as soon as it runs. */
const KILL_AT = [0, 0.2, 0.45, 0.7];
const BATCH = '5';
const DOGS = 20;
const TRICKS = 99; // events: DOGS * (1 + TRICKS)
const EVENTS = BigInt(DOGS * (1 + TRICKS));

/**
 * Starts the runner process; kills it once it runs and `position()` has reached `killAt`, or lets
 * it finish when `killAt` is undefined.
 */
function runUntil(
  url: string,
  killAt: bigint | undefined,
  position: () => Promise<bigint>,
): Promise<{ started: boolean; done: boolean }> {
  return new Promise((resolve, reject) => {
    // node itself runs the script (tsx as a loader), so SIGKILL hits the runner, not a wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, BATCH, String(EVENTS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let watching = false;
    const watch = async () => {
      while (child.exitCode === null && child.signalCode === null && (await position()) < killAt!) {
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAt !== undefined && out.includes('started') && !watching) {
        watching = true;
        void watch();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`runner exited ${code}: ${err}`));
      else resolve({ started: out.includes('started'), done: out.includes('done') });
    });
  });
}

describe.each(stores.filter((s) => s.label !== 'in-memory'))('kill -9 of a projection runner on $label', (store) => {
  it('resumes after every kill with nothing lost and nothing applied twice', async () => {
    const url = store.fresh();
    const app = kennel(url);
    for (let d = 0; d < DOGS; d++) {
      const dog = Dog.register(`dog ${d}`);
      for (let t = 0; t < TRICKS; t++) dog.addTrick(`trick ${t}`);
      await app.save(dog);
    }
    const progress: number[] = [];
    const tally = new TrickTally();
    const recorder = await app.recorder();
    const position = () => recorder.maxTrackingId(tally.name, PROJECTION_UPSTREAM);
    for (const fraction of KILL_AT) {
      await runUntil(url, BigInt(Math.round(Number(EVENTS) * fraction)), position);
      progress.push((await tally.read(app)).applied.length);
    }
    const last = await runUntil(url, undefined, position);
    expect(last.done).toBe(true);
    const view = await tally.read(app);
    console.log(`${store.label}: applied after each kill ${progress.join(', ')} of ${EVENTS}`);
    // The kills landed during the catch-up, not after it.
    expect(progress.filter((n) => n > 0 && n < Number(EVENTS)).length).toBeGreaterThanOrEqual(2);
    expect(view.applied).toEqual(ids(1n, EVENTS));
    expect([...view.tricks.values()]).toEqual(Array.from({ length: DOGS }, () => TRICKS));
    await app.close();
  }, 240_000);
});
