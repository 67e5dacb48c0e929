/**
 * The worked example as a system: DogSchool leads, Counters counts the tricks. The same
 * scenario runs under every runner: single-threaded and concurrent on the in-memory store, on
 * SQLite files (one per application) and on PostgreSQL schemas; the worker runner (followers in
 * two real worker processes under leases) on PostgreSQL; with assertions on the final state and
 * on counts (nothing lost, nothing twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ApplicationOptions,
  ConcurrentRunner,
  on,
  onEvery,
  PolicyError,
  ProcessApplication,
  type RunnerOptions,
  SingleThreadedRunner,
  System,
  SystemError,
} from 'eventforge/runtime';
import { Counter, Counters } from '../../examples/counters.js';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import {
  chain,
  counters,
  counting,
  cycle,
  FussyCounters,
  fussy,
  Increments,
  LenientCounters,
  lenient,
  Ping,
  Pong,
  TaughtTricks,
} from './fixtures/systems.js';
import { SpawnedWorkers } from './worker-processes.js';

// Worker processes start through tsx: seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('system');
afterAll(() => schemas.dropAll());

type AnyRunner = SingleThreadedRunner | ConcurrentRunner | SpawnedWorkers;
type SystemName = 'counting' | 'counters' | 'chain' | 'cycle' | 'fussy' | 'lenient';
const systems: Record<SystemName, System> = { counting, counters, chain, cycle, fussy, lenient };

interface RunnerKind {
  readonly label: string;
  readonly make: (
    name: SystemName,
    options: RunnerOptions & Required<Pick<RunnerOptions, 'applicationOptions'>>,
  ) => AnyRunner;
}

const runners: RunnerKind[] = [
  { label: 'single-threaded', make: (name, options) => new SingleThreadedRunner(systems[name], options) },
  { label: 'concurrent', make: (name, options) => new ConcurrentRunner(systems[name], options) },
  // Two worker processes each time: one takes each lease, the other stands by.
  { label: 'worker', make: (name, options) => new SpawnedWorkers(name, systems[name], options) },
];

interface Store {
  readonly label: string;
  /** A fresh store per application; `cleanup` removes them. */
  open(): { applicationOptions: (name: string) => ApplicationOptions; cleanup: () => void };
}

const stores: Store[] = [
  {
    label: 'in-memory',
    open: () => ({ applicationOptions: () => ({ env: { DATABASE_URL: 'memory:' } }), cleanup: () => {} }),
  },
  {
    label: 'SQLite files',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'eventforge-system-'));
      return {
        applicationOptions: (name) => ({ env: { DATABASE_URL: `file:${join(dir, `${name}.sqlite`)}` } }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(postgresSkip === undefined
    ? [
        {
          label: 'PostgreSQL schemas',
          open: () => {
            const names = new Map<string, string>();
            const schemaOf = (name: string) => names.get(name) ?? names.set(name, schemas.next()).get(name)!;
            return {
              applicationOptions: (name: string) => ({
                env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schemaOf(name)}` },
              }),
              cleanup: () => {},
            };
          },
        } satisfies Store,
      ]
    : []),
];
if (postgresSkip !== undefined) console.log(`system tests on PostgreSQL skipped: ${postgresSkip}`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(stores)('a system on $label', (store) => {
  // Workers share one PostgreSQL: the worker runner runs there only.
  const kinds = store.label === 'PostgreSQL schemas' ? runners : runners.filter((r) => r.label !== 'worker');
  describe.each(kinds)('run $label', ({ label, make }) => {
    const workers = label === 'worker';
    const open = (name: SystemName, extra: RunnerOptions = {}) => {
      const { applicationOptions, cleanup } = store.open();
      cleanups.push(cleanup);
      const start = async () => {
        const runner: AnyRunner = make(name, { applicationOptions, retryDelayMs: 1, ...extra });
        cleanups.push(() => runner.stop());
        await runner.start();
        return runner;
      };
      return start;
    };

    it('counts the tricks DogSchool teaches, each exactly once', async () => {
      const start = open('counting');
      const runner = await start();
      const school = runner.get(DogSchool);
      const counters = runner.get(Counters);
      const fido = await school.registerDog('Fido');
      const rex = await school.registerDog('Rex');
      await school.addTrick(fido, 'roll over');
      await school.addTrick(fido, 'play dead');
      await school.addTrick(rex, 'roll over');
      await runner.quiet();

      expect(await counters.countOf('roll over')).toBe(2);
      expect(await counters.countOf('play dead')).toBe(1);
      expect(await counters.countOf('fetch')).toBe(0);
      // Two counters started, three increments: nothing processed twice.
      const topics = [];
      for await (const { topic } of counters.log.readAll()) topics.push(topic);
      expect(topics.filter((t) => t === 'Counters.Counter.Started')).toHaveLength(2);
      expect(topics.filter((t) => t === 'Counters.Counter.Incremented')).toHaveLength(3);
      // The position is the last TrickAdded (DogSchool's log: 2 registrations, 3 tricks).
      const recorder = await counters.recorder();
      expect(await recorder.maxTrackingId('Counters', 'DogSchool')).toBe(5n);
      expect(runner.follower(Counters, DogSchool).position).toBe(5n);
      expect(await runner.follower(Counters, DogSchool).lag()).toBe(0n);
      // The projection beside it saw the same three tricks (in the worker process that runs it, with workers).
      if (!workers) expect(runner.projection(TaughtTricks).taught).toBe(3);
      else expect(() => runner.projection(TaughtTricks)).toThrow(/TaughtTricks runs in the worker process/);
      expect(runner.follower(TaughtTricks, DogSchool).position).toBe(5n);
      expect(await runner.status()).toEqual([
        { follower: 'Counters', leader: 'DogSchool', state: 'running', position: 5n, lag: 0n },
        { follower: 'TaughtTricks', leader: 'DogSchool', state: 'running', position: 5n, lag: 0n },
      ]);
    });

    it('gives the events it saves their causation and correlation, down a chain', async () => {
      const start = open('chain');
      const runner = await start();
      const school = runner.get(DogSchool);
      const fido = await school.registerDog('Fido'); // DogSchool:1
      await school.addTrick(fido, 'sit'); // DogSchool:2
      await school.addTrick(fido, 'sit'); // DogSchool:3
      await runner.quiet();
      const counters = runner.get(Counters);
      const increments = runner.get(Increments);
      const metadataOfLog = async (app: Counters | Increments) => {
        const metadata = [];
        for await (const { event } of app.log.readAll())
          metadata.push(await app.metadataOf(event.originatorId, event.originatorVersion));
        return metadata;
      };
      // Counters:1 Started and Counters:2 Incremented came of DogSchool:2; Counters:3 of DogSchool:3.
      expect(await metadataOfLog(counters)).toEqual([
        { causationId: 'DogSchool:2', correlationId: 'DogSchool:2' },
        { causationId: 'DogSchool:2', correlationId: 'DogSchool:2' },
        { causationId: 'DogSchool:3', correlationId: 'DogSchool:3' },
      ]);
      // Increments:1 Started and Increments:2 Incremented came of Counters:2, whose chain began at DogSchool:2.
      expect(await metadataOfLog(increments)).toEqual([
        { causationId: 'Counters:2', correlationId: 'DogSchool:2' },
        { causationId: 'Counters:2', correlationId: 'DogSchool:2' },
        { causationId: 'Counters:3', correlationId: 'DogSchool:3' },
      ]);
      expect((await increments.repository(Counter).get(Counter.idOf('all'))).count).toBe(2);
      expect(await counters.metadataOf('no such stream', 1)).toBeUndefined();
    });

    // On PostgreSQL, overlapping saves put committed events behind writers still in flight: a
    // follower must wait for them rather than pass them.
    it('commands running at once: every trick counted exactly once', async () => {
      const start = open('counters');
      const runner = await start();
      const school = runner.get(DogSchool);
      const dogs = await Promise.all(Array.from({ length: 8 }, (_, i) => school.registerDog(`dog ${i}`)));
      // One command per dog at once, twice: saves of different dogs interleave.
      for (let round = 0; round < 2; round++) await Promise.all(dogs.map((dog) => school.addTrick(dog, 'sit')));
      await runner.quiet();
      expect(await runner.get(Counters).countOf('sit')).toBe(16);
      let events = 0;
      for await (const _ of runner.get(Counters).log.readAll()) events++;
      expect(events).toBe(1 + 16);
    });

    it('runs a cycle until its policies stop, every event of the rally correlated with the command', async () => {
      const start = open('cycle');
      const runner = await start();
      const school = runner.get(DogSchool);
      await school.addTrick(await school.registerDog('Fido'), 'serve'); // DogSchool:2
      await runner.quiet();
      const count = async (app: Ping | Pong, name: string) =>
        (await app.repository(Counter).get(Counter.idOf(name))).count;
      expect(await count(runner.get(Ping), 'ping')).toBe(3);
      expect(await count(runner.get(Pong), 'pong')).toBe(3);
      // Pong's third increment reached Ping, which stored nothing for it but its position.
      expect(runner.follower(Ping, Pong).position).toBe(4n);
      for (const app of [runner.get(Ping), runner.get(Pong)]) {
        for await (const { metadata } of app.log.readAll()) expect(metadata.correlationId).toBe('DogSchool:2');
      }
    });

    it('processes several events of one counter in one batch', async () => {
      const start = open('counters', { batchSize: 4 });
      const runner = await start();
      const school = runner.get(DogSchool);
      const dog = await school.dogs.get(await school.registerDog('Fido'));
      for (let i = 0; i < 10; i++) dog.addTrick(i % 3 === 0 ? 'sit' : 'stay');
      await school.save(dog); // one save of ten events: batches of 4, 4 and 2
      await runner.quiet();
      expect(await runner.get(Counters).countOf('sit')).toBe(4);
      expect(await runner.get(Counters).countOf('stay')).toBe(6);
      let events = 0;
      for await (const _ of runner.get(Counters).log.readAll()) events++;
      expect(events).toBe(2 + 10);
    });

    it.skipIf(store.label === 'in-memory')(
      'a new runner resumes from the stored position: nothing lost, nothing twice',
      async () => {
        const start = open('counters');
        const first = await start();
        const fido = await first.get(DogSchool).registerDog('Fido');
        await first.get(DogSchool).addTrick(fido, 'sit');
        await first.quiet();
        await first.stop();
        const second = await start();
        await second.get(DogSchool).addTrick(fido, 'sit');
        await second.quiet();
        expect(await second.get(Counters).countOf('sit')).toBe(2);
        expect(second.follower(Counters, DogSchool).position).toBe(3n);
        const topics = [];
        for await (const { topic } of second.get(Counters).log.readAll()) topics.push(topic);
        expect(topics).toEqual([
          'Counters.Counter.Started',
          'Counters.Counter.Incremented',
          'Counters.Counter.Incremented',
        ]);
      },
    );

    it('a policy that throws stops the follower with an error naming application, upstream, notification and topic', async () => {
      const start = open('fussy', { maxAttempts: 2 });
      const runner = await start();
      const school = runner.get(DogSchool);
      const fido = await school.registerDog('Fido');
      await school.addTrick(fido, 'sit');
      const error = await (async () => {
        await school.addTrick(fido, 'bite');
        await runner.quiet({ timeout: 20_000 });
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PolicyError);
      const policyError = error as PolicyError;
      expect(policyError.application).toBe('FussyCounters');
      expect(policyError.upstream).toBe('DogSchool');
      expect(policyError.notificationId).toBe(3n);
      expect(policyError.topic).toBe('DogSchool.Dog.TrickAdded');
      expect(policyError.attempts).toBe(2);
      expect(policyError.message).toContain('FussyCounters');
      expect(policyError.message).toContain('notification 3 of DogSchool (DogSchool.Dog.TrickAdded)');
      expect(policyError.message).toContain('biting is not a trick');
      // The event is parked and the position stays before it; the trick before it was counted.
      const follower = runner.follower(FussyCounters, DogSchool);
      expect(follower.state).toBe('failed');
      const [status] = await runner.status();
      expect(status).toMatchObject({ follower: 'FussyCounters', state: 'failed', position: 2n, lag: 1n });
      expect(status!.failure).toBe(follower.failure);
      expect(follower.position).toBe(2n);
      const recorder = await runner.get(FussyCounters).recorder();
      const parked = await recorder.parkedEvents('FussyCounters/DogSchool');
      expect(parked.map((p) => [p.notificationId, p.topic, p.attempts])).toEqual([[3n, 'DogSchool.Dog.TrickAdded', 2]]);
      expect(await recorder.maxTrackingId('FussyCounters', 'DogSchool')).toBe(2n);
    });

    it('with onParked continue, a failing event is parked and the follower goes on', async () => {
      const start = open('lenient', { maxAttempts: 1 });
      const runner = await start();
      const school = runner.get(DogSchool);
      const fido = await school.registerDog('Fido');
      await school.addTrick(fido, 'bite');
      await school.addTrick(fido, 'sit');
      await runner.quiet();
      const recorder = await runner.get(LenientCounters).recorder();
      expect((await recorder.parkedEvents('LenientCounters/DogSchool')).map((p) => p.notificationId)).toEqual([2n]);
      expect(await recorder.maxTrackingId('LenientCounters', 'DogSchool')).toBe(3n);
      const sit = await runner.get(LenientCounters).repository(Counter).get(Counter.idOf('sit'));
      expect(sit.count).toBe(1);
    });
  });
});

describe('a system is checked when built', () => {
  it('reads only the topics the policy names', () => {
    expect(new Counters({ env: { DATABASE_URL: 'memory:' } }).topics).toEqual(['DogSchool.Dog.TrickAdded']);
  });

  it('refuses a follower that is not a process application', () => {
    expect(() => new System([[Counters, DogSchool]])).toThrow(
      new SystemError(
        'pipe 1: DogSchool follows Counters but is not a ProcessApplication; a follower must extend ProcessApplication and declare a policy (or be a projection class)',
      ),
    );
  });

  it('refuses an empty system, an empty pipe, a non-application and an application following itself', () => {
    expect(() => new System([])).toThrow(SystemError);
    expect(() => new System([[DogSchool], []])).toThrow(/pipe 2 of the system is empty/);
    expect(() => new System([[DogSchool, Object as never]])).toThrow(
      /pipe 1, position 2 of the system is not an application class/,
    );
    expect(() => new System([[DogSchool, Counters, Counters]])).toThrow(/Counters follows itself/);
  });

  it('takes a projection as the last of a pipe, never as a leader', () => {
    expect(new System([[DogSchool, TaughtTricks]]).edges).toEqual([
      { leader: 'DogSchool', follower: 'TaughtTricks', kind: 'projection' },
    ]);
    expect(() => new System([[DogSchool, TaughtTricks, Counters]])).toThrow(
      'pipe 1, position 2: TaughtTricks is a projection, which follows one application and leads none; put it last in a pipe, after the application it reads',
    );
    expect(
      () =>
        new System([
          [DogSchool, TaughtTricks],
          [Counters, TaughtTricks],
        ]),
    ).toThrow(/TaughtTricks appears twice/);
  });

  it('refuses two classes with one name', () => {
    const Other = { Counters: class Counters extends FussyCounters {} }.Counters;
    expect(
      () =>
        new System([
          [DogSchool, Counters],
          [DogSchool, Other],
        ]),
    ).toThrow(/two different application classes are named Counters/);
  });

  it('allows cycles, several leaders and followers, and lists the edges once', () => {
    const system = new System([
      [DogSchool, Counters, FussyCounters, Counters],
      [DogSchool, Counters],
    ]);
    expect(system.edges).toEqual([
      { leader: 'DogSchool', follower: 'Counters', kind: 'process' },
      { leader: 'Counters', follower: 'FussyCounters', kind: 'process' },
      { leader: 'FussyCounters', follower: 'Counters', kind: 'process' },
    ]);
    expect(system.followers).toEqual(['Counters', 'FussyCounters']);
    expect(system.leadersOf('Counters')).toEqual(['DogSchool', 'FussyCounters']);
  });

  it('reads of each leader only the topics of the policy that leader stores', () => {
    const runner = new SingleThreadedRunner(new System([[DogSchool, Ping, Pong, Ping]]));
    expect(runner.follower(Ping, DogSchool).topics).toEqual(['DogSchool.Dog.TrickAdded']);
    expect(runner.follower(Ping, Pong).topics).toEqual(['Counters.Counter.Incremented']);
    expect(runner.follower(Pong, Ping).topics).toEqual(['Counters.Counter.Incremented']);
  });

  it('refuses a follower whose policy handles none of the events its leader stores', () => {
    expect(() => new SingleThreadedRunner(new System([[DogSchool, Increments]]))).toThrow(
      new SystemError(
        "Increments follows DogSchool, but its policy handles none of the events DogSchool stores (it handles Counters.Counter.Incremented); follow the application whose events the policy names, or add a rule for DogSchool's events",
      ),
    );
  });

  it('refuses a leader or follower that is not there (an import cycle leaves a class undefined)', () => {
    expect(() => new System([[undefined as never, Counters]])).toThrow(
      'pipe 1, position 1 of the system is undefined, not a class; if it is imported, check for an import cycle (a module importing the system module back)',
    );
    expect(() => new System([[DogSchool, undefined as never]])).toThrow(
      /pipe 1, position 2 of the system is undefined/,
    );
  });

  it('refuses to run a process application whose policy handles no event', () => {
    class Idle extends ProcessApplication {
      readonly policy = [];
    }
    expect(() => new SingleThreadedRunner(new System([[DogSchool, Idle]]))).toThrow(
      'Idle: its policy handles no event; add rules such as on(Dog, { TrickAdded: … })',
    );
  });

  it('onEvery is exhaustive at compile time, and handlers see their own event types', () => {
    // @ts-expect-error Registered has no handler: tsc refuses the rule.
    onEvery(Dog, { TrickAdded: () => undefined });
    const rule = onEvery(Dog, {
      Registered: (event) => void event.data.name.toUpperCase(),
      TrickAdded: (event) => void event.data.trick.name.toUpperCase(),
    });
    expect(Object.keys(rule.handlers)).toEqual(['Registered', 'TrickAdded']);
    // @ts-expect-error a TrickAdded handler has no data.name.
    on(Dog, { TrickAdded: (event) => void event.data.name });
  });

  it('refuses a policy naming an event the aggregate does not have', () => {
    expect(() => on(Dog, { Barked: () => undefined } as never)).toThrow(
      'policy: Dog has no event Barked; its events are Registered, TrickAdded',
    );
  });
});
