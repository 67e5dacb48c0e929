import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, generateCipherKey, isRedacted, ValidationError } from 'eventforge/runtime';
import type { RegisteredInput } from '../../generated/identity/index.js';
import { Identity, User, UserDirectoryProjection } from '../../examples/identity.js';
import { caughtUp, readView, runView } from '../../examples/view-target.js';
import { exampleStores } from './stores.js';

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe.each(exampleStores)('Protean’s User on the $label store', (store) => {
  let app: Identity;
  let cleanup: () => void;

  beforeEach(() => {
    const opened = store.open();
    cleanup = opened.cleanup;
    app = new Identity({ env: opened.env });
  });

  afterEach(async () => {
    await app.close();
    cleanup();
  });

  it('registers a user, stores it and gets it back', async () => {
    const user = User.register('jane@example.com', 'Jane', '2024-02-29');
    expect(user.pendingEvents.map((e) => e.type)).toEqual(['Registered']);
    await app.save(user);
    const loaded = await app.users.get(user.id);
    expect(loaded).toBeInstanceOf(User);
    expect([loaded.email, loaded.firstName, loaded.joinedOn]).toEqual(['jane@example.com', 'Jane', '2024-02-29']);
    const bare = User.register('bob@example.com');
    await app.save(bare);
    expect((await app.users.get(bare.id)).firstName).toBe('');
    expect((await app.users.get(bare.id)).joinedOn).toBeUndefined();
  });

  it('email is required and checked; nothing is queued for an invalid user', () => {
    // @ts-expect-error email is required by the type as well
    const missing = validationError(() => User.create({ firstName: 'Jane' } satisfies Partial<RegisteredInput>));
    expect(missing.issues.map((i) => i.path)).toContain('email');
    const malformed = validationError(() => User.register('not an email'));
    expect(malformed.issues.map((i) => i.path)).toEqual(['email']);
    expect(malformed.topic).toBe('Identity.User.Registered');
  });

  it('first name is at most 50 characters, at registration and when changed', async () => {
    expect(User.register('a@b.c', 'x'.repeat(50)).firstName).toHaveLength(50);
    const tooLong = validationError(() => User.register('a@b.c', 'x'.repeat(51)));
    expect(tooLong.issues.map((i) => i.path)).toEqual(['firstName']);
    expect(tooLong.message).toMatch(/firstName/);

    const user = User.register('a@b.c', 'Jane');
    validationError(() => user.changeFirstName('y'.repeat(51)));
    expect(user.version).toBe(1);
    expect(user.pendingEvents).toHaveLength(1);
    const both = validationError(() => User.register('nope', 'z'.repeat(60)));
    expect(both.issues.map((i) => i.path).sort()).toEqual(['email', 'firstName']);
  });

  it('takes a snapshot after every 10 events, and loads any version', async () => {
    expect(app.snapshotInterval(User)).toBe(10);
    const id = await app.register('jane@example.com', 'Jane');
    for (let i = 2; i <= 23; i++) await app.rename(id, `Jane ${i}`);
    const recorder = await app.recorder();
    const latest = await recorder.latestSnapshot(id);
    expect(latest?.version).toBe(20);
    expect(latest?.topic).toBe('Identity.User');
    expect((await recorder.latestSnapshot(id, 19))?.version).toBe(10);
    expect(await recorder.latestSnapshot(id, 9)).toBeUndefined();
    const user = await app.users.get(id);
    expect(user.version).toBe(23);
    expect(user.firstName).toBe('Jane 23');
    expect((await app.users.get(id, { version: 15 })).firstName).toBe('Jane 15');
  });

  it('an expected-version conflict raises the typed error, and nothing is stored', async () => {
    const id = await app.register('jane@example.com', 'Jane');
    const copyA = await app.users.get(id);
    const copyB = await app.users.get(id);
    copyA.changeFirstName('Janet');
    await app.save(copyA);
    copyB.changeEmail('jane@example.org');
    const error = await app.save(copyB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).streamId).toBe(id);
    expect((error as ConcurrencyError).expectedVersion).toBe(1);
    expect((error as ConcurrencyError).actualVersion).toBe(2);
    const user = await app.users.get(id);
    expect([user.firstName, user.email, user.version]).toEqual(['Janet', 'jane@example.com', 2]);
  });
});

describe('Protean’s User loads from its snapshot (SQLite file)', () => {
  it('still loads with the events its snapshot covers deleted', async () => {
    const { env, cleanup } = exampleStores.find((s) => s.label === 'SQLite file')!.open();
    const app = new Identity({ env });
    try {
      const id = await app.register('jane@example.com', 'Jane');
      for (let i = 2; i <= 23; i++) await app.rename(id, `Jane ${i}`);
      const db = new Database(env['DATABASE_URL']!.slice('file:'.length));
      expect(db.prepare('DELETE FROM events WHERE stream_id = ? AND version <= 20').run(id).changes).toBe(20);
      db.close();
      const user = await app.users.get(id);
      expect([user.version, user.firstName, user.email]).toEqual([23, 'Jane 23', 'jane@example.com']);
    } finally {
      await app.close();
      cleanup();
    }
  });
});

describe.each(exampleStores)('forgetting a user of the identity example on the $label store', (store) => {
  it('the events, the snapshot and the directory view still load, personal fields redacted', async () => {
    const opened = store.open();
    const env = { ...opened.env, EVENTFORGE_MASTER_KEY: generateCipherKey() };
    const app = new Identity({ env });
    const directory = new UserDirectoryProjection();
    const runner = await runView(app, directory);
    const row = async (id: string) => readView(app, directory, (view) => view.get({ userId: id }));
    try {
      const jane = User.register('jane@example.com', 'Jane', '2024-02-29');
      for (let i = 0; i < 10; i++) jane.changeFirstName(`Jane ${i}`); // a snapshot at 10
      await app.save(jane);
      const bob = await app.register('bob@example.com', 'Bob');
      await caughtUp(app, runner);
      expect(await row(jane.id)).toEqual({
        userId: jane.id,
        email: 'jane@example.com',
        firstName: 'Jane 9',
        joinedOn: '2024-02-29',
      });

      expect(await app.forgetUser(jane.id)).toBe(true);
      // The view's forget ran in app.forget: the row keeps the user, with the columns' placeholders.
      expect(await row(jane.id)).toEqual({
        userId: jane.id,
        email: '[forgotten]',
        firstName: '',
        joinedOn: '2024-02-29',
      });
      expect((await row(bob))?.email).toBe('bob@example.com');
      // Another application on the same store: its key cache is cold.
      for (const reader of [app, new Identity({ env, recorder: await app.recorder() })]) {
        const user = await reader.users.get(jane.id);
        expect([isRedacted(user.email), user.firstName, user.joinedOn, user.version]).toEqual([
          true,
          '',
          '2024-02-29',
          11,
        ]);
        if (reader !== app) await reader.close();
      }
      if (store.label === 'in-memory') return; // memory views cannot be rebuilt: the process starts empty
      await runner.rebuild();
      await caughtUp(app, runner);
      expect(await readView(app, directory, (view) => view.all())).toEqual(
        expect.arrayContaining([
          { userId: jane.id, email: '[forgotten]', firstName: '', joinedOn: '2024-02-29' },
          { userId: bob, email: 'bob@example.com', firstName: 'Bob', joinedOn: null },
        ]),
      );
    } finally {
      await runner.stop();
      await app.close();
      opened.cleanup();
    }
  });
});
