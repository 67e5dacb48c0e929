/**
 * `eventforge projections rebuild VIEW` through the real CLI (cli/main.ts main()): a declarative
 * view is rebuilt by swap on the database given (a SQLite file, a fresh PostgreSQL schema) and
 * the app's runner continues from the rebuilt view; a view with custom handlers is refused with
 * how to rebuild it from the application; an unknown view is refused with the views there are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';
import { ProjectionRunner } from '../../runtime/index.js';
import { DogSchool } from '../../examples/dog-school.js';
import { readView } from '../../examples/view-target.js';
import { DogTricksProjection } from '../../generated/dog-school/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

const root = join(import.meta.dirname, '../..');
const skip = await postgresSkipReason();

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: root, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(['projections', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function rebuiltByTheCli(url: string): Promise<void> {
  const school = new DogSchool({ env: { DATABASE_URL: url } });
  try {
    const fido = await school.registerDog('Fido');
    await school.addTrick(fido, 'sit');
    const projection = new DogTricksProjection();
    const runner = new ProjectionRunner(school, projection);
    await runner.start();
    await runner.wait(await school.log.maxId(), { timeout: 20_000 });
    await runner.stop();
    await school.addTrick(fido, 'stay'); // not projected yet: the rebuild replays it

    const rebuilt = await cli('rebuild', 'DogTricks', '--database', url);
    expect(rebuilt.err).toBe('');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toMatch(/DogTricks rebuilt into a fresh table and swapped in/);
    const row = await readView(school, projection, (view) => view.get({ dogId: fido }));
    expect([row?.trickCount, row?.tricks]).toEqual([2, ['sit', 'stay']]);

    await school.addTrick(fido, 'roll');
    const again = new ProjectionRunner(school, projection);
    await again.start();
    await again.wait(await school.log.maxId(), { timeout: 20_000 });
    await again.stop();
    const after = await readView(school, projection, (view) => view.get({ dogId: fido }));
    expect(after?.tricks).toEqual(['sit', 'stay', 'roll']);
    const status = await cli('status', '--database', url);
    expect(status.out).toMatch(/DogTricks\s+\d+\s+\d+\s+0\s+0/);
    expect(status.out).not.toMatch(/__rebuild/);
  } finally {
    await school.close();
  }
}

describe('eventforge projections rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-rebuild-cli-'));
  const schemas = new SchemaPool('rebuildcli');
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });

  it('rebuilds a declarative view on a SQLite file', async () => {
    await rebuiltByTheCli(`file:${join(dir, 'school.sqlite')}`);
  }, 60_000);

  it.skipIf(skip !== undefined)(
    `rebuilds a declarative view on PostgreSQL${skip ? `: ${skip}` : ''}`,
    async () => {
      await rebuiltByTheCli(`${TEST_DATABASE_URL}?schema=${schemas.next()}`);
    },
    60_000,
  );

  it('refuses a view with custom handlers, saying how the application rebuilds it', async () => {
    const result = await cli('rebuild', 'CustomerBalances', '--database', `file:${join(dir, 'bank.sqlite')}`);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/view CustomerBalances has custom handlers.*runner\.rebuild\(\)/);
  });

  it('refuses an unknown view, listing the views', async () => {
    const result = await cli('rebuild', 'Nope', '--database', `file:${join(dir, 'none.sqlite')}`);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no view Nope in the schemas \(views: .*DogTricks/);
  });
});
