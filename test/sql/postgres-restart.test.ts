/**
 * PostgreSQL restarted under a running application (a private server: the shared one must never
 * be restarted): saves in flight when the server stops (held there by a table lock), and saves while it is down, fail with the
 * retryable `StoreUnavailableError`; none is half-stored; once the server is back, saves and loads
 * succeed on the same application, without reopening it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../runtime/application.js';
import { ConcurrencyError, StoreUnavailableError } from '../../runtime/errors.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { PrivatePostgres, privatePostgresSkipReason } from './private-postgres.js';

const skip = privatePostgresSkipReason();
const WORKERS = 8;
const TRICKS = 3;

interface Attempt {
  readonly dog: Dog;
  readonly phase: 'before restart' | 'after restart';
  outcome?: 'stored' | unknown;
}

/**
 * Whether a driver error says an established connection was cut (the server ended the session,
 * or node-postgres lost it), rather than that no connection could be made.
 */
function connectionCut(cause: unknown): boolean {
  // Saves run on node-postgres (the error is its own) or through Prisma's adapter (which wraps it).
  const adapter = (cause as { cause?: { kind?: unknown; originalCode?: unknown } }).cause;
  return (
    (cause as { code?: unknown }).code === '57P01' ||
    adapter?.originalCode === '57P01' ||
    adapter?.kind === 'ConnectionClosed' ||
    /Connection terminated|not queryable/.test(String((cause as Error).message))
  );
}

describe.skipIf(skip !== undefined)(
  `PostgreSQL restarted under a running application${skip === undefined ? '' : `: ${skip}`}`,
  () => {
    let server: PrivatePostgres;
    beforeAll(async () => {
      server = await PrivatePostgres.create();
    }, 60_000);
    afterAll(async () => {
      await server?.destroy();
    });

    it('in-flight saves fail with a retryable StoreUnavailableError, nothing is half-stored, and later saves succeed without reopening', async () => {
      const app = new Application({
        domains: [kennelDomain],
        name: 'Kennel',
        env: { DATABASE_URL: `${server.url}?schema=restart` },
      });
      try {
        const first = Dog.register('before');
        await app.save(first);

        const attempts: Attempt[] = [];
        let restarted = false;
        /** Saves dogs of 1 + TRICKS events back to back until a save succeeds after the restart. */
        const worker = async (w: number) => {
          for (let n = 0; ; n++) {
            const dog = Dog.register(`worker ${w} dog ${n}`);
            for (let t = 0; t < TRICKS; t++) dog.addTrick(`trick ${t}`);
            const attempt: Attempt = { dog, phase: restarted ? 'after restart' : 'before restart' };
            attempts.push(attempt);
            try {
              await app.save(dog);
              attempt.outcome = 'stored';
              if (attempt.phase === 'after restart') return;
            } catch (error) {
              attempt.outcome = error;
              // While the server is down, a save fails at once; don't spin.
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          }
        };
        const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
        // Let the workers get going so that saves are in flight when the server stops.
        while (attempts.filter((a) => a.outcome === 'stored').length < WORKERS * 2)
          await new Promise((resolve) => setTimeout(resolve, 5));
        // Saves are one statement each: on a loaded machine none may be running at the instant the
        // server stops. A lock on the events table makes the workers' next saves wait inside the
        // server, so some are certainly in flight when it goes down.
        const blocker = new pg.Client({ connectionString: server.url });
        blocker.on('error', () => undefined); // the stop ends its session too
        await blocker.connect();
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE restart.events IN EXCLUSIVE MODE');
        while (
          Number(
            (
              await blocker.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%eventforge_save%'",
              )
            ).rows[0].n,
          ) === 0
        )
          await new Promise((resolve) => setTimeout(resolve, 5));
        await server.stop();
        await blocker.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100)); // saves keep failing while it is down
        await server.start();
        restarted = true;
        await Promise.all(workers);

        const failures = attempts.filter((a) => a.outcome !== 'stored');
        const other = failures.filter((a) => !(a.outcome instanceof StoreUnavailableError));
        expect(other.map((a) => String(a.outcome))).toEqual([]);
        expect(failures.every((a) => (a.outcome as StoreUnavailableError).retryable)).toBe(true);
        // Saves running on a connection when the server ended it failed (not hung, not some other
        // error), and so did saves that could not connect while it was down or starting.
        const inFlightFailures = failures.filter((a) => connectionCut((a.outcome as Error).cause));
        const causes = failures.map((a) => {
          const cause = (a.outcome as Error).cause as { code?: unknown; message?: unknown } | undefined;
          return `${String(cause?.code)}: ${String(cause?.message)}`;
        });
        expect(inFlightFailures.length, `the failures' causes: ${[...new Set(causes)].join(' | ')}`).toBeGreaterThan(0);
        expect(failures.length).toBeGreaterThan(inFlightFailures.length);
        // Every worker saved after the restart, on the same application.
        expect(attempts.filter((a) => a.phase === 'after restart' && a.outcome === 'stored').length).toBe(WORKERS);

        const dogs = app.repository(Dog);
        for (const a of attempts) {
          const events = await (await app.recorder()).readStream(a.dog.id);
          if (a.outcome === 'stored') {
            expect((await dogs.get(a.dog.id)).tricks.length).toBe(TRICKS);
          } else {
            // All or nothing: a failed save left no event, or (connection lost during COMMIT) all of them.
            expect([0, 1 + TRICKS]).toContain(events.length);
            // Retrying it is safe: it is stored now, or it was stored then and the retry says so.
            await app.save(a.dog).then(
              () => expect(events.length).toBe(0),
              (error: unknown) => expect(error).toBeInstanceOf(ConcurrencyError),
            );
            expect((await dogs.get(a.dog.id)).tricks.length).toBe(TRICKS);
          }
        }
        expect((await dogs.get(first.id)).name).toBe('before');
        console.log(
          `PostgreSQL restart: ${attempts.length} saves, ${inFlightFailures.length} failed in flight at the stop, ` +
            `${failures.length - inFlightFailures.length} could not connect while it was down, all StoreUnavailableError`,
        );
      } finally {
        await app.close();
      }
    }, 120_000);
  },
);
