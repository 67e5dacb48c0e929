/**
 * Records written before payloads were bound to their context still load (the fixture under
 * test/fixtures/pre-context was written by that code), and `reencryptStore` binds them: on
 * SQLite and PostgreSQL, idempotent, safe to kill part-way, and able to rotate the key.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Application } from '../../runtime/application.js';
import { readStore } from '../../runtime/config.js';
import { DecryptionError } from '../../runtime/errors.js';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import { reencryptStore } from '../../runtime/sql/index.js';
import { FIXTURE_DOGS, FIXTURE_FILE, FIXTURE_KEY } from '../fixtures/pre-context/make-fixture.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { rejection } from '../runtime/fixtures/rejection.js';
import { postgresSkipReason } from './postgres-helpers.js';
import {
  copyFixtureRows,
  dogsOf,
  encryptions,
  expectedDogs,
  fixtureIds,
  preContextStores,
} from './pre-context-stores.js';
import type { StoredRows } from './stored-rows.js';

const { fixtureCopy, kennel, postgres, sqlite, track } = preContextStores('reencrypt');

const moveTrick = (db: StoredRows) =>
  db.run(
    "UPDATE events SET state = (SELECT state FROM events WHERE stream_id = 'fixture-dog-b' AND version = 2) WHERE stream_id = 'fixture-dog-a' AND version = 2",
  );

describe('records written before payloads were bound to their context (fixture)', () => {
  it('are encrypted without context, and load', async () => {
    const db = fixtureCopy();
    expect(await encryptions(db)).toEqual(['no-context']);
    expect(await dogsOf(kennel(db.url, FIXTURE_KEY), fixtureIds)).toEqual(expectedDogs);
  });

  it('are not bound, so a moved payload still loads (why reencryptStore exists)', async () => {
    const db = fixtureCopy();
    expect(await moveTrick(db)).toBe(1);
    expect((await dogsOf(kennel(db.url, FIXTURE_KEY), ['fixture-dog-a']))['fixture-dog-a']!.tricks[0]).toBe('fetch');
  });
});

describe('EVENTFORGE_UNBOUND_PAYLOADS=refuse', () => {
  const plantPlain = (db: StoredRows) =>
    db.run(
      "INSERT INTO events (stream_id, version, topic, schema_version, timestamp, state) SELECT stream_id, 5, 'Kennel.Dog.Renamed', 1, timestamp, CAST(? AS BLOB) FROM events WHERE stream_id = 'fixture-dog-b' AND version = 4",
      [Buffer.from('{"name":"Planted"}')],
    );

  it('refuses old records, naming stream and version, until reencryptStore has bound them', async () => {
    const db = fixtureCopy();
    const early = (await rejection(
      kennel(db.url, FIXTURE_KEY, 'refuse').repository(Dog).get('fixture-dog-a'),
    )) as DecryptionError;
    expect(early).toBeInstanceOf(DecryptionError);
    expect([early.streamId, early.streamVersion]).toEqual(['fixture-dog-a', 1]);
    expect(early.message).toMatch(/encrypted before payloads were bound .* reencryptStore/);
    await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
    expect(await dogsOf(kennel(db.url, FIXTURE_KEY, 'refuse'), fixtureIds)).toEqual(expectedDogs);
  });

  it('refuses a planted unencrypted payload, which accept (the default) loads', async () => {
    const db = fixtureCopy();
    await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
    expect(await plantPlain(db)).toBe(1);
    expect((await kennel(db.url, FIXTURE_KEY).repository(Dog).get('fixture-dog-b')).name).toBe('Planted');
    const refused = (await rejection(
      kennel(db.url, FIXTURE_KEY, 'refuse').repository(Dog).get('fixture-dog-b'),
    )) as DecryptionError;
    expect([refused.constructor, refused.streamId, refused.streamVersion]).toEqual([
      DecryptionError,
      'fixture-dog-b',
      5,
    ]);
    expect(refused.message).toMatch(/not encrypted/);
  });

  it('needs a cipher key, and takes only accept or refuse', () => {
    const make = (options: Record<string, unknown>) => () =>
      new Application({ domains: [kennelDomain], env: { DATABASE_URL: 'memory:' }, ...options });
    expect(make({ unboundPayloads: 'refuse' })).toThrow(
      /unbound payloads are refused, but no cipher key is configured/,
    );
    expect(make({ env: { DATABASE_URL: 'memory:', EVENTFORGE_UNBOUND_PAYLOADS: 'refuse' } })).toThrow(/no cipher key/);
    expect(make({ env: { DATABASE_URL: 'memory:', EVENTFORGE_UNBOUND_PAYLOADS: 'sometimes' } })).toThrow(
      'EVENTFORGE_UNBOUND_PAYLOADS=sometimes is not supported; expected accept or refuse',
    );
    expect(make({ unboundPayloads: 'never', cipherKey: FIXTURE_KEY })).toThrow(/unboundPayloads option is never/);
    expect(
      new Application({
        env: { DATABASE_URL: 'memory:', EVENTFORGE_CIPHER_KEY: FIXTURE_KEY, EVENTFORGE_UNBOUND_PAYLOADS: 'refuse' },
      }).config.unboundPayloads,
    ).toBe('refuse');
  });
});

describe('reencryptStore on SQLite', () => {
  it('binds every old record, changes nothing a second time, and then a moved payload is refused', async () => {
    const db = fixtureCopy();
    const first = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
    expect(first).toEqual({
      events: { examined: 7, resealed: 7, unchanged: 0 },
      snapshots: { examined: 1, resealed: 1, unchanged: 0 },
      refused: [],
    });
    expect(await encryptions(db)).toEqual(['context']);
    const after = await db.query('SELECT id, state FROM events ORDER BY id');
    const second = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
    expect(second).toEqual({
      events: { examined: 7, resealed: 0, unchanged: 7 },
      snapshots: { examined: 1, resealed: 0, unchanged: 1 },
      refused: [],
    });
    expect(await db.query('SELECT id, state FROM events ORDER BY id')).toEqual(after);
    expect(await dogsOf(kennel(db.url, FIXTURE_KEY), fixtureIds)).toEqual(expectedDogs);

    await moveTrick(db);
    const refused = (await rejection(
      kennel(db.url, FIXTURE_KEY).repository(Dog).get('fixture-dog-a'),
    )) as DecryptionError;
    expect(refused).toBeInstanceOf(DecryptionError);
    expect([refused.streamId, refused.streamVersion]).toEqual(['fixture-dog-a', 2]);
  });

  it('killed part-way (kill -9), leaves records that all load, and a rerun finishes the rest', async () => {
    const db = fixtureCopy();
    const copies = 300;
    const file = db.url.slice('file:'.length);
    const sqlite = new Database(file);
    sqlite.transaction(() => {
      for (let n = 1; n <= copies; n++) {
        // Old payloads carry no context, so a copy under another stream id is as loadable as the original.
        for (const table of ['events', 'snapshots']) {
          sqlite
            .prepare(
              `INSERT INTO ${table} (stream_id, version, topic, schema_version, timestamp, state) SELECT stream_id || '#${n}', version, topic, schema_version, timestamp, state FROM ${table} WHERE instr(stream_id, '#') = 0`,
            )
            .run();
        }
      }
    })();
    sqlite.close();
    const total = (copies + 1) * 8;

    // node itself, not the tsx command: tsx runs the script in a child process that SIGKILL would not reach.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'reencrypt-process.ts'), db.url, FIXTURE_KEY],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const bound = async () =>
      Number((await db.query("SELECT count(*) AS n FROM events WHERE substr(state, 1, 1) = x'03'"))[0]!['n']);
    while ((await bound()) < 50) {
      if (child.exitCode !== null)
        throw new Error(`the re-encryption ended before it could be killed (exit ${child.exitCode})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    const done =
      (await bound()) +
      Number((await db.query("SELECT count(*) AS n FROM snapshots WHERE substr(state, 1, 1) = x'03'"))[0]!['n']);
    expect(done).toBeGreaterThanOrEqual(50);
    expect(done).toBeLessThan(total);
    expect(await encryptions(db)).toEqual(['context', 'no-context']);

    const ids = [...fixtureIds, ...fixtureIds.map((id) => `${id}#${copies}`), ...fixtureIds.map((id) => `${id}#1`)];
    const app = kennel(db.url, FIXTURE_KEY);
    const dogs = Object.values(await dogsOf(app, ids));
    expect(dogs.map((d) => d.tricks)).toEqual(
      ids.map((id) => [...FIXTURE_DOGS[id.split('#')[0] as keyof typeof FIXTURE_DOGS].tricks]),
    );

    const rerun = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
    expect(rerun.events.resealed + rerun.snapshots.resealed).toBe(total - done);
    expect(rerun.events.examined + rerun.snapshots.examined).toBe(total);
    expect(rerun.refused).toEqual([]);
    expect(await encryptions(db)).toEqual(['context']);
    expect(Object.values(await dogsOf(app, ids)).map((d) => d.tricks)).toEqual(dogs.map((d) => d.tricks));
  });

  it('rotates the key: payloads under a previous key are sealed under the new one; what no key opens is reported and left alone', async () => {
    const db = sqlite('rotate');
    const [oldKey, newKey] = [generateCipherKey(), generateCipherKey()];
    const before = kennel(db.url, oldKey);
    const rex = Dog.register('Rex');
    rex.addTrick('sit');
    await before.save(rex);
    await before.takeSnapshot(Dog, rex.id);
    const stranger = Dog.register('Stranger');
    await kennel(db.url, generateCipherKey()).save(stranger);

    const report = await reencryptStore(readStore({ DATABASE_URL: db.url }), {
      cipherKey: newKey,
      previousKeys: [oldKey],
    });
    expect(report.events).toEqual({ examined: 3, resealed: 2, unchanged: 0 });
    expect(report.snapshots).toEqual({ examined: 1, resealed: 1, unchanged: 0 });
    expect(report.refused).toEqual([
      {
        table: 'events',
        streamId: stranger.id,
        version: 1,
        topic: 'Kennel.Dog.Registered',
        problem: expect.stringMatching(/authentication failed/),
      },
    ]);
    expect((await kennel(db.url, newKey).repository(Dog).get(rex.id)).tricks.map((t) => t.name)).toEqual(['sit']);
    expect(await rejection(kennel(db.url, oldKey).repository(Dog).get(rex.id))).toBeInstanceOf(DecryptionError);
  });

  it('encrypts payloads stored without encryption', async () => {
    const db = sqlite('plain');
    const plain = new Application({
      name: 'Kennel',
      domains: [kennelDomain],
      env: { DATABASE_URL: db.url },
      snapshotEvery: { Dog: 2 },
    });
    track(plain);
    const rex = Dog.register('Rex');
    rex.addTrick('sit');
    await plain.save(rex);
    expect(await encryptions(db)).toEqual(['none']);
    const key = generateCipherKey();
    const report = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: key });
    expect([report.events.resealed, report.snapshots.resealed]).toEqual([2, 1]);
    expect(await encryptions(db)).toEqual(['context']);
    expect((await kennel(db.url, key).repository(Dog).get(rex.id)).name).toBe('Rex');
  });

  it('refuses the in-memory store, a bad key and a bad batch size with ConfigurationError', async () => {
    await expect(reencryptStore({ kind: 'memory' }, { cipherKey: FIXTURE_KEY })).rejects.toThrow(
      /in-memory store .* nothing to re-encrypt/,
    );
    await expect(reencryptStore({ kind: 'sqlite', filename: FIXTURE_FILE }, { cipherKey: 'c2hvcnQ=' })).rejects.toThrow(
      /cipherKey option: an AES-256 key has 32 bytes/,
    );
    await expect(
      reencryptStore({ kind: 'sqlite', filename: FIXTURE_FILE }, { cipherKey: FIXTURE_KEY, batchSize: 0 }),
    ).rejects.toThrow(/batchSize option is 0/);
  });
});

const postgresSkip = await postgresSkipReason();
describe.skipIf(postgresSkip !== undefined)(
  `reencryptStore on PostgreSQL${postgresSkip === undefined ? '' : `: ${postgresSkip}`}`,
  () => {
    it('binds the old records copied from the fixture, loads them before and after, and a second run changes nothing', async () => {
      const db = postgres();
      const app = kennel(db.url, FIXTURE_KEY);
      await app.recorder(); // creates the tables
      await copyFixtureRows(db);
      expect(await encryptions(db)).toEqual(['no-context']);
      expect(await dogsOf(app, fixtureIds)).toEqual(expectedDogs);

      const first = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY, batchSize: 3 });
      expect([first.events.resealed, first.snapshots.resealed, first.refused.length]).toEqual([7, 1, 0]);
      expect(await encryptions(db)).toEqual(['context']);
      expect(await dogsOf(app, fixtureIds)).toEqual(expectedDogs);
      const second = await reencryptStore(readStore({ DATABASE_URL: db.url }), { cipherKey: FIXTURE_KEY });
      expect([
        second.events.unchanged,
        second.snapshots.unchanged,
        second.events.resealed + second.snapshots.resealed,
      ]).toEqual([7, 1, 0]);

      await moveTrick(db);
      const refused = (await rejection(app.repository(Dog).get('fixture-dog-a'))) as DecryptionError;
      expect([refused.constructor, refused.streamId, refused.streamVersion]).toEqual([
        DecryptionError,
        'fixture-dog-a',
        2,
      ]);
    });
  },
);
