/**
 * A view whose definition changed shape is never written into the table built with the old one:
 * the runner detects it when it starts and rebuilds the view by swap (replayed into a table of
 * the new shape, swapped in when caught up) before following the log (a SQLite file). A view
 * with custom handlers is refused instead, naming `rebuild`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectionError, ProjectionRunner, ViewProjection } from 'eventforge/runtime';
import {
  DogTricksProjection,
  dogTricksView,
  type DogTricksKey,
  type DogTricksRow,
} from '../../generated/dog-school/index.js';
import { DogSchool } from '../../examples/dog-school.js';
import { readView } from '../../examples/view-target.js';

const index = 'CREATE INDEX IF NOT EXISTS "dog_tricks_trick_count_idx" ON "dog_tricks" ("trick_count")';

/** DogTricks as a later schema might declare it: the same table, one more index. */
class DogTricksV2 extends ViewProjection<DogTricksRow, DogTricksKey> {
  constructor(custom = false) {
    super({
      ...dogTricksView,
      shapeHash: 'a-newer-shape000',
      ...(custom ? { handlers: { ...dogTricksView.handlers, 'DogSchool.Dog.Named': { kind: 'custom' } } } : {}),
      ddl: { sqlite: [...dogTricksView.ddl.sqlite, index], postgresql: [...dogTricksView.ddl.postgresql, index] },
    });
  }
}

describe('a changed view shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-view-shape-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function builtWithTheOldShape(file: string): Promise<{ school: DogSchool; fido: string }> {
    const school = new DogSchool({ env: { DATABASE_URL: `file:${join(dir, file)}` } });
    const fido = await school.registerDog('Fido');
    await school.addTrick(fido, 'sit');
    const first = new ProjectionRunner(school, new DogTricksProjection());
    await first.start();
    await first.wait(await school.log.maxId());
    await first.stop();
    await school.addTrick(fido, 'stay');
    return { school, fido };
  }

  it('is rebuilt by swap when the runner starts: the new shape, every event once', async () => {
    const { school, fido } = await builtWithTheOldShape('declarative.sqlite');
    try {
      const changed = new DogTricksV2();
      const runner = new ProjectionRunner(school, changed);
      await runner.start();
      await runner.wait(await school.log.maxId(), { timeout: 20_000 });
      const row = await readView(school, changed, (view) => view.get({ dogId: fido }));
      expect([row?.trickCount, row?.tricks]).toEqual([2, ['sit', 'stay']]);
      await runner.stop();
      const db = new Database(join(dir, 'declarative.sqlite'), { readonly: true });
      try {
        const names = (sql: string) => (db.prepare(sql).all() as { name: string }[]).map((r) => r.name).sort();
        expect(names("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dog_tricks'")).toEqual([
          'dog_tricks_name_idx',
          'dog_tricks_trick_count_idx',
          'sqlite_autoindex_dog_tricks_1',
        ]);
        expect(names("SELECT name FROM sqlite_master WHERE name LIKE '%rebuild%'")).toEqual([]);
        expect(db.prepare("SELECT shape_hash FROM eventforge_views WHERE name = 'DogTricks'").get()).toEqual({
          shape_hash: 'a-newer-shape000',
        });
      } finally {
        db.close();
      }
    } finally {
      await school.close();
    }
  });

  it('with custom handlers is refused until rebuilt in place', async () => {
    const { school, fido } = await builtWithTheOldShape('custom.sqlite');
    try {
      const changed = new DogTricksV2(true);
      const runner = new ProjectionRunner(school, changed, { retryDelayMs: 1 });
      await runner.start();
      await expect(runner.wait(await school.log.maxId(), { timeout: 20_000 })).rejects.toThrow(ProjectionError);
      expect(String((runner.failure as Error & { cause?: unknown }).cause)).toMatch(
        /view DogTricks: its table "dog_tricks" was built with another shape .*rebuild it/,
      );
      await runner.rebuild();
      await runner.start();
      await runner.wait(await school.log.maxId(), { timeout: 20_000 });
      const row = await readView(school, changed, (view) => view.get({ dogId: fido }));
      expect([row?.trickCount, row?.tricks]).toEqual([2, ['sit', 'stay']]);
      await runner.stop();
    } finally {
      await school.close();
    }
  });
});
