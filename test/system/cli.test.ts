/**
 * `eventforge run` and `eventforge system status` in this process (the worker tests start them as
 * processes): usage mistakes refused with what to do, a system run in this process until told to
 * stop, and a failed follower reported by status with exit 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApplicationOptions, Leases, Worker } from 'eventforge/runtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../cli/main.js';
import { DogSchool } from '../../examples/dog-school.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { fussy } from './fixtures/systems.js';
import { FIXTURE, storeEnv } from './worker-processes.js';

const root = join(import.meta.dirname, '../..');

function io(signal?: AbortSignal): CliIo & { out: (l: string) => void; lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    cwd: root,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    lines,
    errors,
    ...(signal === undefined ? {} : { signal }),
  };
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('eventforge run: usage', () => {
  it.each([
    [['run'], 'expected one system module, got 0'],
    [['run', 'no/such/module.ts'], 'no module at no/such/module.ts; pass the file that exports your System'],
    [
      ['run', FIXTURE],
      'exports several systems (counting, counters, chain, cycle, fussy, lenient); choose one with --export NAME',
    ],
    [
      ['run', FIXTURE, '--export=nope'],
      'exports no System named nope; its systems: counting, counters, chain, cycle, fussy, lenient',
    ],
    [
      ['run', FIXTURE, '--export=counters', '--partitions=Counters=3'],
      '--followers, --partitions and --id are for a worker: add --worker',
    ],
    [
      ['run', FIXTURE, '--export=counters', '--worker', '--partitions=Counters'],
      'expected FOLLOWER=COUNT[,FOLLOWER=COUNT…], e.g. Counters=3',
    ],
    [
      ['run', FIXTURE, '--export=counters', '--worker', '--lease-ttl=soon'],
      '--lease-ttl is soon; expected a positive integer',
    ],
    [['system', 'stats', FIXTURE], 'expected status MODULE'],
  ])('%j is refused with exit 2', async (args, message) => {
    const out = io();
    expect(await main(args, out)).toBe(2);
    expect(out.errors.join('\n')).toContain(message);
  });

  it('names the environment variables a store is read from when none is set', async () => {
    delete process.env['DATABASE_URL'];
    const out = io();
    expect(await main(['run', FIXTURE, '--export=counters', '--worker'], out)).toBe(1);
    expect(out.errors.join('\n')).toContain(
      'no store for application DogSchool: set DATABASE_URL_DOG_SCHOOL, or DATABASE_URL to a postgresql://… URL (each application then gets the schema dog_school)',
    );
  });
});

describe('eventforge run --worker on SQLite', () => {
  it('is refused: workers keep their leases in PostgreSQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventforge-worker-sqlite-'));
    try {
      process.env['DATABASE_URL_DOG_SCHOOL'] = `file:${join(dir, 'dog-school.sqlite')}`;
      process.env['DATABASE_URL_COUNTERS'] = `file:${join(dir, 'counters.sqlite')}`;
      const out = io();
      expect(await main(['run', FIXTURE, '--export=counters', '--worker'], out)).toBe(1);
      expect(out.errors.join('\n')).toContain(
        "workers keep their leases in PostgreSQL; this store is sqlite: give the system's applications postgresql://… stores",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('systemcli');
afterAll(() => schemas.dropAll());

describe.skipIf(postgresSkip !== undefined)('eventforge run and system status on PostgreSQL', () => {
  const stores = () => {
    const names = new Map(fussy.classes.map((cls) => [cls.name, schemas.next()]));
    return (name: string): ApplicationOptions => ({
      env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
    });
  };

  it('runs every follower in this process until stopped, then drains', async () => {
    const applicationOptions = stores();
    Object.assign(process.env, storeEnv(fussy, applicationOptions));
    const school = new DogSchool({ ...applicationOptions('DogSchool'), name: 'DogSchool' });
    const stop = new AbortController();
    const out = io(stop.signal);
    const running = main(['run', FIXTURE, '--export=fussy'], out);
    try {
      const fido = await school.registerDog('Fido');
      await school.addTrick(fido, 'sit');
      const status = io();
      for (let i = 0; ; i++) {
        status.lines.length = 0;
        await main(['system', 'status', FIXTURE, '--export=fussy'], status);
        if (/^FussyCounters\s+DogSchool\s+-\s+-\s+none\s+2\s+2\s+0\s+0$/m.test(status.lines.join('\n'))) break;
        if (i > 200) throw new Error(`not processed:\n${status.lines.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      stop.abort();
      await school.close();
    }
    expect(await running).toBe(0);
    expect(out.lines).toContain('eventforge run: running 1 follower(s) in this process; SIGTERM drains and exits');
    expect(out.lines.at(-1)).toBe('eventforge run: stopped: batches committed');
  });

  it('status reports a worker’s failed follower and its parked event, exit 1', async () => {
    const applicationOptions = stores();
    Object.assign(process.env, storeEnv(fussy, applicationOptions));
    const worker = new Worker(fussy, { applicationOptions, id: 'w1', leaseTtlMs: 500, maxAttempts: 1 });
    await worker.start();
    try {
      const school = worker.application('DogSchool') as DogSchool;
      await school.addTrick(await school.registerDog('Fido'), 'bite');
      const leases = new Leases(await worker.application('FussyCounters').recorder());
      for (let i = 0; !(await leases.list()).some((l) => l.failure !== undefined); i++) {
        if (i > 200) throw new Error('no failure noted');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const out = io();
      expect(await main(['system', 'status', FIXTURE, '--export=fussy'], out)).toBe(1);
      expect(out.lines[1]).toMatch(/^FussyCounters\s+DogSchool\s+-\s+w1\s+live, [0-9.]+ s left\s+0\s+2\s+2\s+1$/);
      expect(out.lines).toContain('workers alive: 1 (w1)');
      expect(out.lines).toContain(
        'FussyCounters/DogSchool failed (owner w1): the policy of FussyCounters failed on notification 2 of DogSchool ' +
          '(DogSchool.Dog.TrickAdded) after 1 attempt: biting is not a trick; the event is parked: fix the policy and ' +
          'restart the runner, or retry the parked event',
      );
      expect(out.lines).toContain(
        'FussyCounters/DogSchool parked notification 2 (DogSchool.Dog.TrickAdded): biting is not a trick',
      );
      const json = io();
      expect(await main(['system', 'status', FIXTURE, '--export=fussy', '--json'], json)).toBe(1);
      const report = JSON.parse(json.lines.join('\n'));
      expect(report).toMatchObject({
        version: 1,
        slots: [
          {
            lease: 'FussyCounters/DogSchool',
            follower: 'FussyCounters',
            leader: 'DogSchool',
            position: '0',
            head: '2',
            lag: '2',
            owner: 'w1',
            live: true,
            parked: [{ projection: 'FussyCounters/DogSchool', notificationId: '2', topic: 'DogSchool.Dog.TrickAdded' }],
          },
        ],
        workers: [{ name: 'worker/w1', owner: 'w1', live: true }],
      });
      expect(report.slots[0].failure).toContain('the policy of FussyCounters failed on notification 2');
    } finally {
      await worker.stop();
    }
  });
});
