/**
 * `pii` on fields of value objects (the person registry's Name and Address): where a field that
 * is not personal holds the value object, each personal field inside is encrypted on its own
 * under the subject's key, the rest (the city) stays readable; after `forget` they read as their
 * `redacted:` placeholders in events and snapshots; without a master key such a save is refused,
 * naming the fields by path. A real SQLite file, read back as bytes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError, generateCipherKey } from 'eventforge/runtime';
import { Person, PersonRegistry } from '../../examples/person-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-vo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const name = { firstName: 'Ada', lastName: 'Lovelace' };
const home = { street: '12 St James Square', city: 'London' };
const next = { street: 'Ockham Park', city: 'Surrey' };

/** The database file and its WAL as text (what a reader of the disk sees). */
function fileBytes(file: string): string {
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))).toString(
    'latin1',
  );
}

describe('personal fields inside value objects', () => {
  it('are encrypted one by one, the rest readable; forgotten, they read as their placeholders', async () => {
    const file = join(dir, `registry-${++files}.sqlite`);
    const env = { DATABASE_URL: `file:${file}`, EVENTFORGE_MASTER_KEY: generateCipherKey() };
    const registry = new PersonRegistry({ env });
    try {
      const id = await registry.create(name, home);
      await registry.move(id, next);
      await registry.takeSnapshot(Person, id);
      const bytes = fileBytes(file);
      for (const secret of ['Lovelace', 'St James', 'Ockham']) expect(bytes.includes(secret), secret).toBe(false);
      expect(bytes.includes('London') && bytes.includes('Surrey')).toBe(true);
      expect(await registry.personAt(id)).toMatchObject({ name, address: next });
      expect(await new PersonRegistry({ env }).personAt(id, 1)).toMatchObject({ name, address: home }); // cold cache

      expect(await registry.forget(id)).toBe(true);
      const forgotten = { firstName: '[forgotten]', lastName: '[forgotten]' };
      expect(await registry.personAt(id)).toMatchObject({
        name: forgotten,
        address: { street: '[forgotten]', city: 'Surrey' },
      });
      expect(await registry.personAt(id, 1)).toMatchObject({
        name: forgotten,
        address: { street: '[forgotten]', city: 'London' },
      });
      const history = await registry.history(id);
      expect(history.map((p) => p.address.city)).toEqual(['London', 'Surrey']);
    } finally {
      await registry.close();
    }
  });

  it('without a master key, a save is refused naming the fields inside by path', async () => {
    const registry = new PersonRegistry({ env: { DATABASE_URL: 'memory:' } });
    try {
      const error = await registry.create(name, home).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('personal fields (name.firstName, name.lastName, address.street)');
      expect((error as Error).message).not.toContain('Lovelace');
    } finally {
      await registry.close();
    }
  });
});
