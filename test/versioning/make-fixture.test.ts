/**
 * The kept script still makes the kept fixture: running make-fixture.ts again writes the same
 * stored events (same streams, versions, topics, schema versions and payload bytes) and the
 * same snapshots (the same states; only their timestamps differ).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'eventforge-make-fixture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Row {
  readonly stream_id: string;
  readonly version: number;
  readonly topic: string;
  readonly schema_version: number;
  readonly state: Buffer;
}

function rows(file: string): { events: Row[]; snapshots: Row[] } {
  const db = new Database(file, { readonly: true });
  try {
    const select = (table: string) =>
      db
        .prepare(`SELECT stream_id, version, topic, schema_version, state FROM ${table} ORDER BY stream_id, version`)
        .all() as Row[];
    return { events: select('events'), snapshots: select('snapshots') };
  } finally {
    db.close();
  }
}

/** A snapshot's stored JSON without the times it was taken at. */
function snapshotContent(row: Row): unknown {
  const { createdOn: _c, modifiedOn: _m, ...rest } = JSON.parse(row.state.toString('utf8')) as Record<string, unknown>;
  return { ...row, state: rest };
}

describe('make-fixture.ts', () => {
  it('made a fixture that git tracks (*.sqlite is ignored, so it must be added with -f)', () => {
    const run = spawnSync('git', ['ls-files', '--error-unmatch', 'test/fixtures/versioning/bank-releases.sqlite'], {
      encoding: 'utf8',
    });
    expect(
      run.stderr,
      'a fresh checkout would lack the fixture: git add -f test/fixtures/versioning/bank-releases.sqlite',
    ).toBe('');
    expect(run.status).toBe(0);
  });

  it('reproduces test/fixtures/versioning/bank-releases.sqlite', () => {
    const fresh = join(work, 'fresh.sqlite');
    const run = spawnSync(resolve('node_modules/.bin/tsx'), ['test/fixtures/versioning/make-fixture.ts', fresh], {
      encoding: 'utf8',
    });
    // The earlier releases stored personal fields unencrypted, as the script does on purpose: it says so once.
    const warning = /^\(node:\d+\) \[EVENTFORGE_PERSONAL_DATA_CLEAR\] .*\n(\(Use `node --trace-warnings.*\n)?/m;
    expect(run.stderr).toMatch(warning);
    expect(run.stderr.replace(warning, '')).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"topic":"Bank.Account.Deposited","v":1');
    const kept = rows('test/fixtures/versioning/bank-releases.sqlite');
    const made = rows(fresh);
    expect(made.events.length).toBeGreaterThan(0);
    expect(made.events).toEqual(kept.events);
    expect(made.snapshots.map(snapshotContent)).toEqual(kept.snapshots.map(snapshotContent));
  }, 60_000);
});
