/**
 * `eventforge reencrypt`, run as the real process (bin/eventforge.js) on stores holding records
 * written before payloads were bound to their context: a copy of the pre-context fixture on
 * SQLite, its rows copied into a PostgreSQL schema.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import { FIXTURE_KEY } from '../fixtures/pre-context/make-fixture.js';
import { postgresSkipReason } from './postgres-helpers.js';
import {
  copyFixtureRows,
  dogsOf,
  encryptions,
  expectedDogs,
  fixtureIds,
  preContextStores,
} from './pre-context-stores.js';

const bin = join(import.meta.dirname, '../../bin/eventforge.js');
const { dir, fixtureCopy, kennel, postgres, sqlite } = preContextStores('reencrypt-command');

/** Runs the command with only the variables given (none inherited from the test's environment). */
function reencrypt(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, 'reencrypt', ...args], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

const counts = (events: string, snapshots: string) => [`events     ${events}`, `snapshots  ${snapshots}`];

describe('eventforge reencrypt on SQLite', () => {
  it('binds every old record under EVENTFORGE_CIPHER_KEY, prints the counts per table, and a second run changes nothing', async () => {
    const db = fixtureCopy();
    const first = await reencrypt([], { DATABASE_URL: db.url, EVENTFORGE_CIPHER_KEY: FIXTURE_KEY });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out.split('\n').slice(0, 3)).toEqual([
      ...counts('7 examined, 7 re-encrypted, 0 bound already', '1 examined, 1 re-encrypted, 0 bound already'),
      `eventforge reencrypt: ${db.url.slice('file:'.length)}: 8 re-encrypted, 0 bound already, 0 refused`,
    ]);
    expect(await encryptions(db)).toEqual(['context']);
    // Unbound payloads refused: every record loads, so every one is bound now.
    expect(await dogsOf(kennel(db.url, FIXTURE_KEY, 'refuse'), fixtureIds)).toEqual(expectedDogs);

    const stored = await db.query('SELECT id, state FROM events ORDER BY id');
    const second = await reencrypt(['--database', db.url, '--batch-size', '3'], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY });
    expect(second.code).toBe(0);
    expect(second.out).toContain(
      counts('7 examined, 0 re-encrypted, 7 bound already', '1 examined, 0 re-encrypted, 1 bound already').join('\n'),
    );
    expect(await db.query('SELECT id, state FROM events ORDER BY id')).toEqual(stored);
  });

  it('rotates the key: EVENTFORGE_CIPHER_PREVIOUS_KEYS opens the old records, which the new key alone then loads', async () => {
    const db = fixtureCopy();
    const newKey = generateCipherKey();
    const run = await reencrypt(['--database', db.url], {
      EVENTFORGE_CIPHER_KEY: newKey,
      EVENTFORGE_CIPHER_PREVIOUS_KEYS: FIXTURE_KEY,
    });
    expect(run.code).toBe(0);
    expect(run.out).toContain('8 re-encrypted, 0 bound already, 0 refused');
    expect(await dogsOf(kennel(db.url, newKey, 'refuse'), fixtureIds)).toEqual(expectedDogs);
  });

  it('exits 1 when no key opens some records, lists each on stderr, and leaves them as they were', async () => {
    const db = fixtureCopy();
    const before = await db.query('SELECT id, state FROM events ORDER BY id');
    const run = await reencrypt(['--database', db.url], { EVENTFORGE_CIPHER_KEY: generateCipherKey() });
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      counts('7 examined, 0 re-encrypted, 0 bound already', '1 examined, 0 re-encrypted, 0 bound already').join('\n'),
    );
    expect(run.out).toMatch(
      /0 re-encrypted, 0 bound already, 8 refused; refused records are left as they are .* EVENTFORGE_CIPHER_PREVIOUS_KEYS/,
    );
    const refused = run.err.trim().split('\n');
    expect(refused).toHaveLength(8);
    expect(refused[0]).toMatch(
      /^refused {2}events fixture-dog-a version 1 \(Kennel\.Dog\.Registered\): authentication failed/,
    );
    expect(refused[7]).toMatch(/^refused {2}snapshots fixture-dog-b version 4 \(Kennel\.Dog\)/);
    expect(await db.query('SELECT id, state FROM events ORDER BY id')).toEqual(before);
  });

  it('says what is missing: the key, a store with tables, a usable --batch-size; creates no file', async () => {
    const db = fixtureCopy();
    expect(await reencrypt(['--database', db.url], {})).toEqual({
      code: 2,
      out: '',
      err: expect.stringMatching(
        /^eventforge reencrypt: EVENTFORGE_CIPHER_KEY is not set; set it to the key the application encrypts with/,
      ),
    });
    expect(await reencrypt(['--database', db.url], { EVENTFORGE_CIPHER_KEY: 'not-a-key' })).toMatchObject({
      code: 1,
      err: expect.stringMatching(/EVENTFORGE_CIPHER_KEY is not base64/),
    });
    expect(
      await reencrypt(['--database', db.url, '--batch-size', '0'], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY }),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('--batch-size is 0; expected a positive integer'),
    });
    expect(await reencrypt(['--database', 'memory:'], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY })).toMatchObject({
      code: 2,
      err: expect.stringContaining('in-memory store'),
    });
    const absent = join(dir, 'absent.sqlite');
    expect(await reencrypt(['--database', `file:${absent}`], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY })).toMatchObject({
      code: 1,
      err: expect.stringContaining(`cannot open the SQLite store ${absent}`),
    });
    expect(existsSync(absent)).toBe(false);
    const other = sqlite('no-event-store');
    await other.run('CREATE TABLE other (a)');
    expect(await reencrypt(['--database', other.url], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY })).toMatchObject({
      code: 1,
      err: expect.stringContaining('holds no event store tables (no such table: events); check the URL'),
    });
    expect(await encryptions(db)).toEqual(['no-context']);
  });

  it('--help prints the usage and names the environment it reads', async () => {
    const help = await reencrypt(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: eventforge reencrypt \[--database URL\] \[--batch-size N\]/);
    expect(help.out).toContain('EVENTFORGE_CIPHER_PREVIOUS_KEYS');
  });
});

const postgresSkip = await postgresSkipReason();
describe.skipIf(postgresSkip !== undefined)(
  `eventforge reencrypt on PostgreSQL${postgresSkip === undefined ? '' : `: ${postgresSkip}`}`,
  () => {
    it('binds the old records copied from the fixture into a schema named by ?schema=, and a second run changes nothing', async () => {
      const db = postgres();
      await kennel(db.url, FIXTURE_KEY, 'refuse').recorder(); // creates the tables
      await copyFixtureRows(db);
      expect(await encryptions(db)).toEqual(['no-context']);

      const first = await reencrypt([], { DATABASE_URL: db.url, EVENTFORGE_CIPHER_KEY: FIXTURE_KEY });
      expect(first).toMatchObject({ code: 0, err: '' });
      expect(first.out).toContain(
        counts('7 examined, 7 re-encrypted, 0 bound already', '1 examined, 1 re-encrypted, 0 bound already').join('\n'),
      );
      expect(first.out).toContain(`(schema ${new URL(db.url).searchParams.get('schema')}): 8 re-encrypted`);
      expect(await encryptions(db)).toEqual(['context']);
      expect(await dogsOf(kennel(db.url, FIXTURE_KEY, 'refuse'), fixtureIds)).toEqual(expectedDogs);

      const second = await reencrypt(['--database', db.url], { EVENTFORGE_CIPHER_KEY: FIXTURE_KEY });
      expect(second.code).toBe(0);
      expect(second.out).toContain('0 re-encrypted, 8 bound already, 0 refused');
    });
  },
);
