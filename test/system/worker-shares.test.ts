/**
 * How workers share a system's followers (in-process `Worker`s on PostgreSQL; the processes are
 * in workers.test.ts): each takes its share of the leases, and a follower that only some
 * workers may run (`followers`) is still run, without leases handed back and forth.
 */
import { type ApplicationOptions, Leases, Worker } from 'eventforge/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';
import { counting } from './fixtures/systems.js';

const postgresSkip = await postgresSkipReason();
const schemas = new SchemaPool('shares');
afterAll(() => schemas.dropAll());

describe.skipIf(postgresSkip !== undefined)('workers share the followers', () => {
  it.each([
    // B's share falls to one of two when A comes: it gives TaughtTricks up, and A takes it.
    { onlyA: 'TaughtTricks', settled: { 'Counters/DogSchool': 'B', 'TaughtTricks/DogSchool': 'A' } },
    // B gives TaughtTricks up, but A may not run it: after two rounds unheld B takes it back, beyond its share, and keeps it.
    { onlyA: 'Counters', settled: { 'Counters/DogSchool': 'B', 'TaughtTricks/DogSchool': 'B' } },
  ])(
    'A may run only $onlyA: every follower runs, and no lease changes hands once settled',
    async ({ onlyA, settled: expected }) => {
      const names = new Map(counting.classes.map((cls) => [cls.name, schemas.next()]));
      const applicationOptions = (name: string): ApplicationOptions => ({
        env: { DATABASE_URL: `${TEST_DATABASE_URL}?schema=${names.get(name)}` },
      });
      const log: string[] = [];
      const options = { applicationOptions, leaseTtlMs: 1000, log: (line: string) => log.push(line) };
      // B may run both followers and starts first (its share is both).
      const b = new Worker(counting, { ...options, id: 'B' });
      const a = new Worker(counting, { ...options, id: 'A', followers: [onlyA] });
      await b.start();
      await a.start();
      try {
        const leases = new Leases(await b.application('Counters').recorder());
        const owners = async () =>
          Object.fromEntries(
            (await leases.list()).filter((l) => l.live && !l.name.startsWith('worker/')).map((l) => [l.name, l.owner]),
          );
        // Settled: both workers live, and the owners as expected with no lease moving for 1.5 s
        // (B owns both before it sees A, which equals one expected end state before any move).
        const moving = () => log.filter((l) => /released|lost|owns|giving up/.test(l)).length;
        const deadline = Date.now() + 20_000;
        let seen = moving();
        let quietSince = Date.now();
        for (;;) {
          if (Date.now() > deadline) throw new Error(`not shared as expected:\n${log.join('\n')}`);
          const now = moving();
          if (now !== seen || JSON.stringify(await owners()) !== JSON.stringify(expected)) {
            seen = now;
            quietSince = Date.now();
          } else if (Date.now() - quietSince >= 1500 && (await leases.liveWorkers()) === 2) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, 1000)); // 5 rounds
        const settled = await owners();
        expect(settled, log.join('\n')).toEqual(expected);
        const moves = () => log.filter((l) => /released|lost|owns/.test(l)).length;
        const before = moves();
        await new Promise((resolve) => setTimeout(resolve, 2000)); // 10 more
        expect(await owners()).toEqual(settled);
        expect(moves(), log.join('\n')).toBe(before);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
  );
});
