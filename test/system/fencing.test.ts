/**
 * Fencing of a stalled lease owner (in-process `Worker`s on PostgreSQL): worker A owns a
 * follower and stalls in the middle of a batch (its policy or projection awaits a promise the
 * test holds) for longer than its lease; B takes the lease over and processes; A is let go and
 * tries to commit. Its commit carries an epoch below the fence B raised: refused with
 * `FencedError`, A stops that follower and does not retry it, B goes on, and every event is
 * processed exactly once. Without the fence A's commit would store its batch (events B had
 * processed too) or refuse B's next commit.
 */
import {
  type ApplicationOptions,
  FencedError,
  IntegrityError,
  Leases,
  type LoggedEvent,
  on,
  ProcessApplication,
  type Projection,
  type RecorderTransaction,
  System,
  Worker,
} from 'eventforge/runtime';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Counter } from '../../examples/counters.js';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { countersDomain } from '../../generated/counters/index.js';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { raiseFence } from '../../runtime/system/fences.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { until } from './worker-processes.js';

vi.setConfig({ testTimeout: 60_000 });

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('fencing');
afterAll(() => schemas.dropAll());

/**
 * Where handlers stall: the `nth` time (1-based, over every worker of the process) notification
 * `id` is handled, the handler waits until the test releases it.
 */
class Stalls {
  readonly #calls = new Map<bigint, number>();
  readonly #stalls = new Map<string, { reached: () => void; release: Promise<void>; reachedP: Promise<void> }>();
  readonly #releases = new Map<string, () => void>();

  /** Arms a stall; `reached` resolves when a handler waits in it, `release()` lets it go. */
  arm(id: bigint, nth: number): { reached: Promise<void>; release: () => void } {
    const key = `${id}#${nth}`;
    let reached!: () => void;
    const reachedP = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const releaseP = new Promise<void>((resolve) => (release = resolve));
    this.#stalls.set(key, { reached, release: releaseP, reachedP });
    this.#releases.set(key, release);
    return { reached: reachedP, release };
  }

  async at(id: bigint): Promise<void> {
    const nth = (this.#calls.get(id) ?? 0) + 1;
    this.#calls.set(id, nth);
    const stall = this.#stalls.get(`${id}#${nth}`);
    if (stall === undefined) return;
    stall.reached();
    await stall.release;
  }

  clear(): void {
    this.#calls.clear();
    this.#stalls.clear();
    this.#releases.clear();
  }
}
const stalls = new Stalls();
afterEach(() => stalls.clear());

/** Counts the tricks taught (a counter per trick), stalling where the test says. */
class Tally extends ProcessApplication {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [countersDomain] });
  }
  readonly policy = [
    on(Dog, {
      TrickAdded: async (event, processing) => {
        await stalls.at(processing.notificationId);
        const name = event.data.trick.name;
        const id = Counter.idOf(name);
        const counter = (await processing.find(Counter, id)) ?? Counter.create({ name }, { id });
        counter.increment();
        processing.collect(counter);
      },
    }),
  ];
}

/** A row per trick taught, in DogSchool's store (the table is made by the test); stalls at a batch's first event. */
class TrickLog implements Projection {
  readonly name = 'TrickLog';
  readonly topics = ['DogSchool.Dog.TrickAdded'];
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    await stalls.at(events[0]!.id);
    for (const e of events) {
      await tx.execute('INSERT INTO trick_log (notification_id) VALUES ($1)', [e.id]);
    }
  }
}

const TRICKS = ['sit', 'stay', 'roll over', 'play dead', 'fetch', 'beg'];

/** Fresh schemas; DogSchool with one dog taught every trick (notification 1 the registration, 2–7 the tricks). */
async function setUp(system: System) {
  const names = new Map(system.classes.map((cls) => [cls.name, schemas.next()]));
  const applicationOptions = (name: string): ApplicationOptions => ({
    env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
  });
  const school = new DogSchool(applicationOptions('DogSchool'));
  const dog = await school.registerDog('Fido');
  for (const trick of TRICKS) await school.addTrick(dog, trick);
  const logs = { A: [] as string[], B: [] as string[] };
  const worker = (id: 'A' | 'B', batchSize: number) =>
    new Worker(system, {
      applicationOptions,
      id,
      leaseTtlMs: 1000,
      batchSize,
      retryDelayMs: 1,
      log: (line) => logs[id].push(line),
    });
  return { school, applicationOptions, logs, worker };
}

/** Expires A's lease (as a stall past its TTL would) until B has taken it over. */
async function takeOver(leases: Leases, name: string, recorder: Awaited<ReturnType<DogSchool['recorder']>>) {
  return until(`B owning ${name}`, async () => {
    const lease = (await leases.list()).find((l) => l.name === name);
    if (lease?.owner === 'B') return lease;
    // A renews every TTL/5 while it waits in its batch: expire it again until B's round comes first.
    await recorder.transaction((tx) =>
      tx.execute("UPDATE leases SET expires_at = now() - interval '1 second' WHERE name = $1 AND owner = 'A'", [name]),
    );
    return undefined;
  });
}

describe.skipIf(postgresSkip !== undefined)('a stalled owner is fenced off', () => {
  it('process application: A stalls in its batch, B takes over and commits part of it; A is refused, nothing counts twice', async () => {
    const system = new System([[DogSchool, Tally]]);
    const { school, logs, worker, applicationOptions } = await setUp(system);
    // A reads the six tricks in one batch and stalls in the first; B (a batch per event) stalls at the third.
    const a1 = stalls.arm(2n, 1);
    const b1 = stalls.arm(4n, 1);
    const a = worker('A', 1000);
    const b = worker('B', 1);
    const tally = new Tally(applicationOptions('Tally'));
    try {
      await a.start();
      await a1.reached;
      await b.start();
      const recorder = await tally.recorder();
      const leases = new Leases(recorder);
      const taken = await takeOver(leases, 'Tally/DogSchool', recorder);
      await b1.reached; // B committed notifications 2 and 3 and waits in 4
      expect(await recorder.maxTrackingId('Tally', 'DogSchool')).toBe(3n);

      a1.release(); // A's batch (2–7) goes on and tries to commit position 7
      await until('A stopping its follower', async () =>
        logs.A.some((l) => /stopped Tally\/DogSchool/.test(l)) ? true : undefined,
      );
      // Nothing of A's batch stored: without the fence its position 7 would be (2 and 3 counted twice).
      expect(await recorder.maxTrackingId('Tally', 'DogSchool')).toBe(3n);
      const fenced = logs.A.find((l) => /fenced off/.test(l));
      expect(fenced, logs.A.join('\n')).toMatch(
        new RegExp(
          `Tally cannot record its batch of DogSchool under lease epoch \\d+: another worker took the lease over \\(epoch ${taken.epoch}\\)`,
        ),
      );

      b1.release();
      await until('B at notification 7', async () =>
        (await recorder.maxTrackingId('Tally', 'DogSchool')) === 7n ? true : undefined,
      );
      expect(b.status()).toMatchObject([{ lease: 'Tally/DogSchool', owned: true, state: 'running', position: 7n }]);
      for (const trick of TRICKS)
        expect((await tally.repository(Counter).get(Counter.idOf(trick))).count, trick).toBe(1);
      // Each counter created once and incremented once: nothing of A's batch was stored.
      expect(await recorder.readNotifications({ start: 1n, limit: 100 })).toHaveLength(2 * TRICKS.length);
      // A does not retry: it stands by, and its log shows one fenced commit.
      expect(a.status()).toMatchObject([{ owned: false }]);
      expect(logs.A.filter((l) => /fenced off/.test(l))).toHaveLength(1);
    } finally {
      a1.release();
      b1.release();
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([tally.close(), school.close()]);
    }
  });

  it('projection: A stalls in its batch, B takes over and stalls in its first; A is refused, B commits, each event once', async () => {
    const system = new System([[DogSchool, TrickLog]]);
    const { school, logs, worker } = await setUp(system);
    const recorder = await school.recorder();
    await recorder.transaction((tx) => tx.execute('CREATE TABLE trick_log (notification_id bigint NOT NULL)'));
    const a1 = stalls.arm(2n, 1);
    const b1 = stalls.arm(2n, 2);
    const a = worker('A', 1000);
    const b = worker('B', 1);
    try {
      await a.start();
      await a1.reached;
      await b.start();
      const leases = new Leases(recorder); // the lease store: DogSchool keeps the projection's tracking
      await takeOver(leases, 'TrickLog/DogSchool', recorder);
      await b1.reached; // B read from position 0 and waits in its first batch (notification 2)

      a1.release(); // A's commit (0 → 7) comes first: without the fence it would be stored and B's refused
      await until('A stopping its follower', async () =>
        logs.A.some((l) => /stopped TrickLog\/DogSchool/.test(l)) ? true : undefined,
      );
      // Nothing of A's stored: without the fence its position 7 would be, and B's commit refused.
      expect(await recorder.maxTrackingId('TrickLog', 'eventforge.log')).toBe(0n);
      expect(logs.A.join('\n')).toMatch(/TrickLog cannot record its batch of eventforge\.log under lease epoch \d+/);

      b1.release();
      await until('B at notification 7', async () =>
        (await recorder.maxTrackingId('TrickLog', 'eventforge.log')) === 7n ? true : undefined,
      );
      expect(b.status()).toMatchObject([{ lease: 'TrickLog/DogSchool', owned: true, state: 'running', position: 7n }]);
      const rows = await recorder.transaction((tx) =>
        tx.query<{ notification_id: bigint }>('SELECT notification_id FROM trick_log ORDER BY notification_id'),
      );
      expect(rows.map((r) => BigInt(r.notification_id))).toEqual([2n, 3n, 4n, 5n, 6n, 7n]);
    } finally {
      a1.release();
      b1.release();
      await Promise.all([a.stop(), b.stop()]);
      await school.close();
    }
  });
});

describe.skipIf(postgresSkip !== undefined)('the fence in the store', () => {
  it('refuses a save or transaction whose tracking epoch is below the raised fence; equal or above, or none, pass', async () => {
    const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      const key = { application: 'Tally', upstream: 'DogSchool' };
      const event = (version: number) => ({
        streamId: 's',
        version,
        topic: 'T',
        schemaVersion: 1,
        timestamp: new Date(),
        state: new Uint8Array([version]),
      });
      expect(await raiseFence(recorder, key, 5n)).toBe(true);
      expect(await raiseFence(recorder, key, 4n)).toBe(false); // never lowered
      await expect(
        recorder.append([event(1)], { tracking: { ...key, notificationId: 1n, epoch: 4n } }),
      ).rejects.toThrow(FencedError);
      await expect(
        recorder.transaction(async () => undefined, { tracking: { ...key, notificationId: 1n, epoch: 4n } }),
      ).rejects.toThrow(/under lease epoch 4: another worker took the lease over \(epoch 5\)/);
      expect(await recorder.maxNotificationId()).toBe(0n);
      expect(await recorder.maxTrackingId('Tally', 'DogSchool')).toBe(0n);
      await recorder.append([event(1)], { tracking: { ...key, notificationId: 1n, epoch: 5n } });
      await recorder.transaction(async () => undefined, { tracking: { ...key, notificationId: 2n, epoch: 6n } });
      await recorder.append([event(2)], { tracking: { ...key, notificationId: 3n } }); // unfenced writers pass
      expect(await recorder.maxTrackingId('Tally', 'DogSchool')).toBe(3n);
    } finally {
      await recorder.close();
    }
  });
});

describe('FencedError', () => {
  it('is an IntegrityError (followers neither retry nor park it) naming the follower, upstream and epochs', () => {
    const error = new FencedError('Tally', 'DogSchool', 3n, 5n);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.name).toBe('FencedError');
    expect(error.message).toContain('epoch 3');
    expect(error.message).toContain('(epoch 5)');
    expect(error.message).toContain('raise --lease-ttl');
  });
});
