/**
 * Upgrading a store whose subjects were forgotten before forgets were numbered (migration
 * 20261203140000_forget_sequence): the migration numbers the existing tombstones, so a view whose
 * runner was stopped during such a forget scrubs the rows when it next opens. The store is put
 * back to its state before the migration with the statements an operator would run, on a real
 * SQLite file and real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { generateCipherKey } from 'eventforge/runtime';
import { Identity, UserDirectoryProjection } from '../../examples/identity.js';
import { caughtUp, readView, runView } from '../../examples/view-target.js';
import { personalStores, viewTableBytes } from './stores.js';

const { stores } = await personalStores('forget-upgrade');

describe.each(stores)('a store forgotten in before the forget sequence, on $label', ({ fresh }) => {
  it('numbers the old tombstones in the order forgotten; a stopped view scrubs them when it opens', async () => {
    const db = fresh();
    const master = generateCipherKey();
    const env = { DATABASE_URL: db.url, EVENTFORGE_MASTER_KEY: master };
    let app = new Identity({ env });
    let runner = await runView(app, new UserDirectoryProjection());
    const ids = [
      await app.register('ann@example.com', 'Ann'),
      await app.register('jane@example.com', 'Janette'),
      await app.register('bob@example.com', 'Bob'),
    ];
    const [ann, jane, bob] = ids as [string, string, string];
    await caughtUp(app, runner);
    await runner.stop();
    await app.close();

    // The store as it was before the migration, and two forgets as that version made them: no number.
    const sqlite = db.url.startsWith('file:');
    if (sqlite) await db.run('DROP INDEX "data_keys_forget_seq_key"');
    await db.run('ALTER TABLE data_keys DROP COLUMN forget_seq');
    await db.run('DROP TABLE forget_watermarks');
    await db.run("DELETE FROM _prisma_migrations WHERE migration_name = '20261203140000_forget_sequence'");
    const now = sqlite ? '?' : 'to_timestamp(?::bigint / 1000.0)';
    await db.run(`UPDATE data_keys SET wrapped_key = NULL, forgotten_at = ${now} WHERE subject = ?`, [2000, jane]);
    await db.run(`UPDATE data_keys SET wrapped_key = NULL, forgotten_at = ${now} WHERE subject = ?`, [1000, ann]);

    app = new Identity({ env });
    const projection = new UserDirectoryProjection();
    runner = await runView(app, projection);
    try {
      const rows = await db.query(
        'SELECT subject, forget_seq FROM data_keys WHERE forget_seq IS NOT NULL ORDER BY forget_seq',
      );
      expect(rows.map((r) => [r['subject'], Number(r['forget_seq'])])).toEqual([
        [ann, 1],
        [jane, 2],
      ]);
      expect(await readView(app, projection, (view) => view.all())).toEqual(
        expect.arrayContaining([
          { userId: ann, email: '[forgotten]', firstName: '', joinedOn: null },
          { userId: jane, email: '[forgotten]', firstName: '', joinedOn: null },
          { userId: bob, email: 'bob@example.com', firstName: 'Bob', joinedOn: null },
        ]),
      );
      const bytes = await viewTableBytes(db);
      for (const secret of ['ann@example.com', 'jane@example.com', 'Janette'])
        expect(bytes.includes(secret), `${secret} in the table`).toBe(false);
      // A forget after the upgrade continues the sequence.
      await app.forget(bob);
      expect((await db.query('SELECT forget_seq FROM data_keys WHERE subject = ?', [bob]))[0]?.['forget_seq']).toEqual(
        sqlite ? 3 : '3',
      );
    } finally {
      await runner.stop();
      await app.close();
      await db.close();
    }
  });
});
