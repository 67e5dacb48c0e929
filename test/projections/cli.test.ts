/**
 * `eventforge projections status | parked | retry` against the stores a runner left behind: a
 * SQLite file and a PostgreSQL schema (skipped with a reason when no server is reachable).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';
import { ProjectionRunner } from '../../runtime/projection.js';
import { Dog } from '../runtime/fixtures/kennel.js';
import { dir, eventually, ids, kennel, schemas, stores, TrickTally } from './fixtures.js';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const root = join(import.meta.dirname, '../..');

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: root, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(['projections', ...args], io);
  return { code, out, err: err.join('\n') };
}

describe.each(stores.filter((s) => s.label !== 'in-memory'))('eventforge projections on $label', (store) => {
  it('status shows position, head, lag and parked count; parked lists; retry replays through the runner', async () => {
    const url = store.fresh();
    const app = kennel(url);
    for (let d = 0; d < 3; d++) await app.save(Dog.register(`dog ${d}`)); // ids 1..3
    const tally = new TrickTally('Tolerant', 'continue');
    tally.failOn = (e) => e.id === 2n;
    const runner = new ProjectionRunner(app, tally, { maxAttempts: 1, retryDelayMs: 1 });
    await runner.start();
    await runner.wait(3n);
    await runner.stop();
    await app.save(Dog.register('late')); // id 4: the projection lags by one

    const status = await cli('status', '--database', url);
    expect(status.out).toEqual([
      'projection    position        head       lag  parked',
      'Tolerant             3           4         1  1',
    ]);
    expect(status.code).toBe(1);

    const parked = await cli('parked', 'Tolerant', '--database', url);
    expect(parked.code).toBe(0);
    expect(parked.out).toHaveLength(1);
    expect(parked.out[0]).toMatch(/^Tolerant {2}2 {2}Kennel\.Dog\.Registered {2}attempts 1 {2}\S+Z {2}cannot tally 2$/);

    expect((await cli('retry', 'Tolerant', '--id', '9', '--database', url)).err).toMatch(
      /Tolerant has no parked event 9/,
    );
    const retry = await cli('retry', 'Tolerant', '--database', url);
    expect(retry.code).toBe(0);
    expect(retry.out.join('\n')).toMatch(/1 parked event of Tolerant marked for retry/);

    tally.failOn = () => false;
    await runner.start(); // replays the marked event on start, then catches up
    await runner.wait(4n);
    await eventually(async () => (await (await app.recorder()).parkedEvents()).length === 0);
    expect((await tally.read(app)).applied).toEqual(ids(1n, 4n));
    await runner.stop();
    expect((await cli('status', '--database', url)).out[1]).toBe('Tolerant             4           4         0  0');
    await app.close();
  });

  it('refuses wrong usage with a message that says what to type', async () => {
    const url = store.fresh();
    expect(await cli('rebuild', 'X', '--database', url)).toMatchObject({ code: 2 });
    expect((await cli('rebuild', '--database', url)).err).toMatch(/expected one of status, parked, retry, got rebuild/);
    expect((await cli('retry', '--database', url)).err).toMatch(/retry needs the projection: retry NAME/);
    expect((await cli('retry', 'X', '--id', 'abc', '--database', url)).err).toMatch(
      /--id is abc; expected a notification id/,
    );
    expect((await cli('status', '--database', 'memory:')).code).toBe(2);
    expect((await cli('status', '--database', url)).out).toEqual([
      'eventforge projections: no projection has run on this store yet',
    ]);
  });
});
