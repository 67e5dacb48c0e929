/**
 * Personal data in a declarative view (Identity's UserDirectory, whose email and first name
 * columns the compiler marks personal): `app.forget` scrubs the subject's row through the view's
 * forget, so no byte of the view's table holds the plaintext afterwards — the SQLite file (and its
 * WAL) read as bytes, the PostgreSQL table read whole as text — and a rebuild from the log, which
 * now reads the personal fields redacted, writes none either. Other users' rows are untouched.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCipherKey, type ProjectionRunner } from 'eventforge/runtime';
import { Identity, User, UserDirectoryProjection } from '../../examples/identity.js';
import { caughtUp, readView, runView } from '../../examples/view-target.js';
import type { StoredRows } from '../sql/stored-rows.js';
import { personalStores, viewTableBytes } from './stores.js';

const { stores } = await personalStores('pii-view');

const EMAIL = 'jane.doe@example.com';
const FIRST_EMAIL = 'jane.first@example.com';
const NAME = 'Janette';

describe.each(stores)('a declarative view with personal columns on $label', ({ fresh }) => {
  let db: StoredRows;
  let app: Identity;
  let runner: ProjectionRunner;
  const directory = () => runner.projection as UserDirectoryProjection;

  beforeEach(async () => {
    db = fresh();
    app = new Identity({ env: { DATABASE_URL: db.url, EVENTFORGE_MASTER_KEY: generateCipherKey() } });
    runner = await runView(app, new UserDirectoryProjection());
  });
  afterEach(async () => {
    await runner.stop();
    await app.close();
    await db.close();
  });

  async function registerJane(): Promise<string> {
    const jane = User.register(FIRST_EMAIL, NAME, '2024-02-29');
    jane.changeEmail(EMAIL);
    await app.save(jane);
    return jane.id;
  }

  it('forget scrubs the subject’s row: no byte of the table holds the plaintext, other rows untouched', async () => {
    const id = await registerJane();
    const bob = await app.register('bob@example.com', 'Bob');
    await caughtUp(app, runner);
    // The view holds the plaintext before (the check below can fail).
    const before = await viewTableBytes(db);
    expect(before.includes(EMAIL) && before.includes(NAME)).toBe(true);

    expect(await app.forget(id)).toBe(true);

    const bytes = await viewTableBytes(db);
    for (const secret of [EMAIL, FIRST_EMAIL, NAME])
      expect(bytes.includes(secret), `${secret} in the table`).toBe(false);
    expect(bytes.includes('bob@example.com')).toBe(true);
    const rows = await readView(app, directory(), (view) => view.all());
    expect(rows).toEqual(
      expect.arrayContaining([
        { userId: id, email: '[forgotten]', firstName: '', joinedOn: '2024-02-29' },
        { userId: bob, email: 'bob@example.com', firstName: 'Bob', joinedOn: null },
      ]),
    );
  });

  it('a rebuild after the forget replays the redacted form: still no plaintext', async () => {
    const id = await registerJane();
    await caughtUp(app, runner);
    await app.forget(id);
    await runner.rebuild();
    await caughtUp(app, runner);
    expect(await readView(app, directory(), (view) => view.get({ userId: id }))).toEqual({
      userId: id,
      email: '[forgotten]',
      firstName: '',
      joinedOn: '2024-02-29',
    });
    const bytes = await viewTableBytes(db);
    for (const secret of [EMAIL, FIRST_EMAIL, NAME])
      expect(bytes.includes(secret), `${secret} in the table`).toBe(false);
  });

  it('a user registered after a forget is projected as usual, and new events of others keep flowing', async () => {
    const id = await registerJane();
    await caughtUp(app, runner);
    await app.forget(id);
    const later = await app.register('later@example.com', 'Later');
    await caughtUp(app, runner);
    expect((await readView(app, directory(), (view) => view.get({ userId: later })))?.email).toBe('later@example.com');
    expect((await readView(app, directory(), (view) => view.get({ userId: id })))?.email).toBe('[forgotten]');
  });
});
