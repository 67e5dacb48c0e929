/**
 * A projection's `forget` runs when the application forgets a subject: a read model built from
 * personal fields (here an email directory in a table of a real SQLite file) is scrubbed in a
 * transaction of the store, and a rebuild from the log sees the redacted form.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCipherKey, isRedacted, type LoggedEvent, type RecorderTransaction } from 'eventforge/runtime';
import { ProjectionRunner, type Projection } from '../../runtime/projection.js';
import { Identity, User } from '../../examples/identity.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-projection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** user id → email, in the table `emails`. */
class EmailDirectory implements Projection {
  readonly name = 'EmailDirectory';
  async process(events: readonly LoggedEvent[], tx: RecorderTransaction): Promise<void> {
    await tx.execute('CREATE TABLE IF NOT EXISTS emails (user_id TEXT PRIMARY KEY, email TEXT NOT NULL)');
    for (const { event } of events) {
      const email = (event.data as { email?: unknown }).email;
      if (email === undefined) continue;
      await tx.execute(
        'INSERT INTO emails (user_id, email) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email',
        [event.originatorId, isRedacted(email) ? '[forgotten]' : String(email)],
      );
    }
  }
  async forget(subject: string, tx: RecorderTransaction): Promise<void> {
    await tx.execute("UPDATE emails SET email = '[forgotten]' WHERE user_id = ?", [subject]);
  }
  async reset(tx: RecorderTransaction): Promise<void> {
    await tx.execute('DROP TABLE IF EXISTS emails');
  }
}

describe("a projection's forget", () => {
  it('scrubs the rows of the forgotten subject when the application forgets it, and a rebuild sees the redacted form', async () => {
    const file = join(dir, 'directory.sqlite');
    const app = new Identity({ env: { DATABASE_URL: `file:${file}`, EVENTFORGE_MASTER_KEY: generateCipherKey() } });
    const runner = new ProjectionRunner(app, new EmailDirectory(), { retryDelayMs: 5 });
    try {
      const jane = User.register('jane@example.com', 'Jane');
      const [last] = await app.save(jane, User.register('bob@example.com', 'Bob'));
      await runner.start();
      await runner.wait(last! + 1n);
      const rows = () =>
        new Database(file, { readonly: true }).prepare('SELECT user_id, email FROM emails ORDER BY email').all();
      expect(rows()).toHaveLength(2);

      await app.forget(jane.id);
      expect(rows()).toEqual([
        { user_id: jane.id, email: '[forgotten]' },
        { user_id: expect.any(String), email: 'bob@example.com' },
      ]);
      await runner.stop();
      await runner.rebuild();
      await runner.start();
      await runner.wait(last! + 1n);
      expect(rows().map((r) => (r as { email: string }).email)).toEqual(['[forgotten]', 'bob@example.com']);
    } finally {
      await runner.stop();
      await app.close();
    }
  });
});

/** Counts the subjects its `forget` was run for; its view is nothing. */
class ForgetCounter implements Projection {
  readonly name = 'ForgetCounter';
  readonly forgotten: string[] = [];
  async process(): Promise<void> {}
  async forget(subject: string): Promise<void> {
    this.forgotten.push(subject);
  }
}

describe("a projection runner's forget", () => {
  it('runs once per forgotten subject: at once while open, when it opens for forgets made while it was not', async () => {
    const app = new Identity({ env: { DATABASE_URL: 'memory:', EVENTFORGE_MASTER_KEY: generateCipherKey() } });
    const projection = new ForgetCounter();
    const runner = new ProjectionRunner(app, projection);
    try {
      const users = Array.from({ length: 4 }, (_, i) => User.register(`user${i}@example.com`, `User ${i}`));
      const last = (await app.save(...users)).at(-1)!;
      const [u0, u1, u2, u3] = users.map((u) => u.id);
      await app.forget(u0!); // never started: scrubbed when it opens
      expect(projection.forgotten).toEqual([]);
      for (let i = 0; i < 3; i++) {
        await runner.start();
        await runner.stop();
      }
      expect(projection.forgotten).toEqual([u0]);
      await app.forget(u1!); // stopped: scrubbed when it opens again
      await runner.start();
      await runner.start();
      expect(projection.forgotten).toEqual([u0, u1]);
      // A batch read before a forget and committed after it scrubs again: caught up first, none is.
      await runner.wait(last);
      await app.forget(u2!); // running: at once, exactly once
      expect(projection.forgotten).toEqual([u0, u1, u2]);
      await runner.stop();
      await app.forget(u3!);
      await app.forget(u3!); // forgotten before: no new forget
      expect(projection.forgotten).toEqual([u0, u1, u2]);
      // Another runner of the same projection reads the same watermark.
      const second = new ProjectionRunner(app, projection);
      await second.start();
      await second.stop();
      expect(projection.forgotten).toEqual([u0, u1, u2, u3]);
    } finally {
      await runner.stop();
      await app.close();
    }
  });
});
