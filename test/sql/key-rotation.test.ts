/**
 * Rotating the cipher key while applications run: they write with the new key and read with it
 * or a previous one, `reencryptStore` moves every payload to the new key, then the previous key
 * can be dropped (docs/security.md, "Rotating the key").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Application, type ApplicationOptions } from '../../runtime/application.js';
import { readStore } from '../../runtime/config.js';
import { ConfigurationError, DecryptionError } from '../../runtime/errors.js';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import { reencryptStore } from '../../runtime/sql/index.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { rejection } from '../runtime/fixtures/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const apps: Application[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

const url = (name: string) => `file:${join(dir, `${name}.sqlite`)}`;
function kennel(databaseUrl: string, env: Record<string, string>, options: ApplicationOptions = {}): Application {
  const app = new Application({
    name: 'Kennel',
    domains: [kennelDomain],
    env: { DATABASE_URL: databaseUrl, ...env },
    snapshotEvery: { Dog: 2 },
    ...options,
  });
  apps.push(app);
  return app;
}
const tricksOf = async (app: Application, id: string, version?: number) =>
  (await app.repository(Dog).get(id, version === undefined ? {} : { version })).tricks.map((t) => t.name);

describe('key rotation', () => {
  it('runs online: new key plus EVENTFORGE_CIPHER_PREVIOUS_KEYS, reencryptStore, then the new key alone', async () => {
    const store = url('online');
    const [oldKey, newKey] = [generateCipherKey(), generateCipherKey()];
    const before = kennel(store, { EVENTFORGE_CIPHER_KEY: oldKey });
    const rex = Dog.register('Rex');
    rex.addTrick('sit');
    rex.addTrick('stay');
    await before.save(rex); // events 1..3 and a snapshot at 3, under the old key

    const rotating = kennel(store, {
      EVENTFORGE_CIPHER_KEY: newKey,
      EVENTFORGE_CIPHER_PREVIOUS_KEYS: `${generateCipherKey()},${oldKey}`,
    });
    const loaded = await rotating.repository(Dog).get(rex.id);
    expect(loaded.tricks.map((t) => t.name)).toEqual(['sit', 'stay']);
    loaded.addTrick('beg');
    await rotating.save(loaded); // event 4 and a snapshot at 4 under the new key
    // The new key alone cannot read what the old one wrote yet (the snapshot at 3, events 1..3).
    expect(await rejection(tricksOf(kennel(store, { EVENTFORGE_CIPHER_KEY: newKey }), rex.id, 3))).toBeInstanceOf(
      DecryptionError,
    );

    const report = await reencryptStore(readStore({ DATABASE_URL: store }), {
      cipherKey: newKey,
      previousKeys: [oldKey],
    });
    expect([report.events.resealed, report.events.unchanged, report.snapshots.resealed, report.refused]).toEqual([
      3,
      1,
      1,
      [],
    ]);
    const after = kennel(store, { EVENTFORGE_CIPHER_KEY: newKey });
    expect(await tricksOf(after, rex.id, 3)).toEqual(['sit', 'stay']);
    expect(await tricksOf(after, rex.id, 2)).toEqual(['sit']);
    expect(await tricksOf(after, rex.id)).toEqual(['sit', 'stay', 'beg']);
    expect(await tricksOf(rotating, rex.id)).toEqual(['sit', 'stay', 'beg']);
    // The old key alone reads nothing any more.
    expect(await rejection(tricksOf(kennel(store, { EVENTFORGE_CIPHER_KEY: oldKey }), rex.id, 3))).toBeInstanceOf(
      DecryptionError,
    );
  });

  it('previous keys are checked like the key, and need a current key', () => {
    const key = generateCipherKey();
    const make =
      (env: Record<string, string>, options: ApplicationOptions = {}) =>
      () =>
        kennel('memory:', env, options);
    expect(make({ EVENTFORGE_CIPHER_KEY: key, EVENTFORGE_CIPHER_PREVIOUS_KEYS: `${key},c2hvcnQ=` })).toThrow(
      /EVENTFORGE_CIPHER_PREVIOUS_KEYS \(key 2\): an AES-256 key has 32 bytes, this one has 5/,
    );
    expect(make({ EVENTFORGE_CIPHER_KEY: key, EVENTFORGE_CIPHER_PREVIOUS_KEYS: 'not base64!' })).toThrow(
      /EVENTFORGE_CIPHER_PREVIOUS_KEYS \(key 1\) is not base64/,
    );
    expect(make({ EVENTFORGE_CIPHER_PREVIOUS_KEYS: key })).toThrow(ConfigurationError);
    expect(make({}, { cipherKey: key, previousCipherKeys: [new Uint8Array(16)] })).toThrow(
      /previousCipherKeys option \(key 1\): an AES-256 key has 32 bytes/,
    );
    expect(
      kennel('memory:', { EVENTFORGE_CIPHER_KEY: key }, { previousCipherKeys: [generateCipherKey()] }).config
        .previousCipherKeys,
    ).toHaveLength(1);
  });
});
