/**
 * Model-based check: random sequences of appends (some conflicting, some with tracking), stream
 * reads with random options, log pages and snapshots give the same answers from the Prisma
 * recorders as from the in-memory recorder (the model). Ids are compared by order only, since
 * PostgreSQL sequences may skip ids on rollback.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import type { Recorder } from '../../runtime/recorder.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const STREAMS = ['a', 'b', 'c'];
const TOPICS = ['T.X.One', 'T.X.Two', 'T.Y.One'];

const append = fc.record({
  kind: fc.constant('append' as const),
  events: fc.array(
    fc.record({
      stream: fc.constantFrom(...STREAMS),
      version: fc.integer({ min: 1, max: 6 }),
      topic: fc.constantFrom(...TOPICS),
    }),
    {
      minLength: 0,
      maxLength: 4,
    },
  ),
  tracking: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});
const readStream = fc.record({
  kind: fc.constant('readStream' as const),
  stream: fc.constantFrom(...STREAMS),
  after: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  upTo: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  descending: fc.boolean(),
  limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});
const readLog = fc.record({
  kind: fc.constant('readLog' as const),
  /** Position in the model's log (its id order), turned into each store's own id. */
  start: fc.integer({ min: 0, max: 20 }),
  limit: fc.integer({ min: 1, max: 6 }),
  topics: fc.subarray(TOPICS),
});
const snapshot = fc.record({
  kind: fc.constant('snapshot' as const),
  stream: fc.constantFrom(...STREAMS),
  version: fc.integer({ min: 1, max: 6 }),
});
const latest = fc.record({
  kind: fc.constant('latest' as const),
  stream: fc.constantFrom(...STREAMS),
  upTo: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
});
const operation = fc.oneof({ arbitrary: append, weight: 4 }, readStream, readLog, snapshot, latest);

type Op = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Runs the operations on one store; returns what it answered, ids replaced by their rank. */
async function answers(recorder: Recorder, ops: readonly Op[]): Promise<unknown[]> {
  const out: unknown[] = [];
  const allIds = async () => (await recorder.readNotifications({ start: 1n, limit: 1000 })).map((n) => n.id);
  for (const op of ops) {
    if (op.kind === 'append') {
      const events = op.events.map((e) => ({
        streamId: e.stream,
        version: e.version,
        topic: e.topic,
        schemaVersion: 1,
        timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, e.version)),
        state: new TextEncoder().encode(`${e.stream}@${e.version}`),
      }));
      const tracking =
        op.tracking === undefined
          ? undefined
          : { application: 'App', upstream: 'Up', notificationId: BigInt(op.tracking) };
      try {
        const ids = await recorder.append(events, tracking === undefined ? {} : { tracking });
        const all = await allIds();
        out.push({ ok: ids.map((id) => all.indexOf(id)) });
      } catch (error) {
        const e = error as { name: string; streamId?: string; expectedVersion?: number; actualVersion?: number };
        out.push({
          error: e.name,
          streamId: e.streamId,
          expectedVersion: e.expectedVersion,
          actualVersion: e.actualVersion,
        });
      }
    } else if (op.kind === 'readStream') {
      const events = await recorder.readStream(op.stream, {
        ...(op.after === undefined ? {} : { after: op.after }),
        ...(op.upTo === undefined ? {} : { upTo: op.upTo }),
        ...(op.limit === undefined ? {} : { limit: op.limit }),
        descending: op.descending,
      });
      out.push(
        events.map(
          (e) => `${e.streamId}@${e.version}:${e.topic}:${new TextDecoder().decode(e.state)}:${e.timestamp.getTime()}`,
        ),
      );
    } else if (op.kind === 'readLog') {
      const all = await allIds();
      const start = op.start < all.length ? all[op.start]! : (all.at(-1) ?? 0n) + 1n;
      const page = await recorder.readNotifications({ start, limit: op.limit, topics: op.topics });
      out.push(page.map((n) => `${all.indexOf(n.id)}:${n.streamId}@${n.version}:${n.topic}`));
    } else if (op.kind === 'snapshot') {
      await recorder.saveSnapshot({
        streamId: op.stream,
        version: op.version,
        topic: 'T.X',
        schemaVersion: 1,
        timestamp: new Date(0),
        state: Uint8Array.of(op.version),
      });
      out.push('saved');
    } else {
      const s = await recorder.latestSnapshot(op.stream, op.upTo);
      out.push(s === undefined ? null : `${s.streamId}@${s.version}:${s.state[0]}`);
    }
  }
  out.push({ maxTracking: await recorder.maxTrackingId('App', 'Up'), logLength: (await allIds()).length });
  return out;
}

async function agrees(open: () => Promise<Recorder>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (ops) => {
      const model = createMemoryRecorder();
      const store = await open();
      try {
        expect(await answers(store, ops)).toEqual(await answers(model, ops));
      } finally {
        await store.close();
        await model.close();
      }
    }),
    { numRuns: runs, examples: [[FOUND_BEFORE]] },
  );
}

/**
 * Counterexamples found by earlier runs, always tried first: two events of one batch at one
 * position, with a tracking position already recorded (the ConcurrencyError comes first, as in the
 * model; PostgreSQL's one-statement save answered with the tracking refusal).
 */
const FOUND_BEFORE: Op[] = [
  { kind: 'append', events: [], tracking: 1 },
  {
    kind: 'append',
    events: [
      { stream: 'b', version: 4, topic: 'T.X.One' },
      { stream: 'b', version: 4, topic: 'T.X.One' },
    ],
    tracking: 1,
  },
];

describe('Prisma recorders agree with the in-memory model', () => {
  it('SQLite', () => agrees(() => createSqliteRecorder({ filename: ':memory:' }), 60), 120_000);
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `Prisma recorders agree with the in-memory model on PostgreSQL${skip ? `: ${skip}` : ''}`,
  () => {
    const schemas = new SchemaPool('model');
    afterAll(() => schemas.dropAll());
    it(
      'PostgreSQL',
      () => agrees(() => createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next(), poolSize: 2 }), 15),
      180_000,
    );
  },
);
