/**
 * A view whose definition changed shape is not written into the table built with the old one:
 * the runner stops with the view named and `rebuild` in the message; `ProjectionRunner.rebuild`
 * creates the table anew and replays the log into it (a SQLite file).
 */
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

/** DogTricks as a later schema might declare it: the same table, one more index. */
class DogTricksV2 extends ViewProjection<DogTricksRow, DogTricksKey> {
  constructor() {
    const index = 'CREATE INDEX IF NOT EXISTS "dog_tricks_trick_count_idx" ON "dog_tricks" ("trick_count")';
    super({
      ...dogTricksView,
      shapeHash: 'a-newer-shape000',
      ddl: { sqlite: [...dogTricksView.ddl.sqlite, index], postgresql: [...dogTricksView.ddl.postgresql, index] },
    });
  }
}

describe('a changed view shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-view-shape-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused until rebuilt, then the rebuilt view holds every event once', async () => {
    const env = { DATABASE_URL: `file:${join(dir, 'school.sqlite')}` };
    const school = new DogSchool({ env });
    try {
      const fido = await school.registerDog('Fido');
      await school.addTrick(fido, 'sit');
      const first = new ProjectionRunner(school, new DogTricksProjection());
      await first.start();
      await first.wait(await school.log.maxId());
      await first.stop();

      await school.addTrick(fido, 'stay');
      const changed = new DogTricksV2();
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
