/**
 * What the personal-data tests share: the stores they run on (a fresh SQLite file or PostgreSQL
 * schema per test, PostgreSQL skipped with its reason when no server answers), what a reader of a
 * view's table sees, and the CLI run as a real process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { postgresSkipReason, SchemaPool } from '../sql/postgres-helpers.js';
import { postgresRows, sqliteRows, type StoredRows } from '../sql/stored-rows.js';

/** The stores of one test file: call at its top level; files and schemas are removed after it. */
export async function personalStores(
  name: string,
): Promise<{ dir: string; stores: { label: string; fresh: () => StoredRows }[] }> {
  const dir = mkdtempSync(join(tmpdir(), `eventforge-${name}-`));
  const schemas = new SchemaPool(name.replaceAll('-', ''));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });
  let files = 0;
  const stores = [{ label: 'SQLite file', fresh: () => sqliteRows(dir, `store-${++files}`) }];
  const skip = await postgresSkipReason();
  if (skip === undefined) stores.push({ label: 'PostgreSQL', fresh: () => postgresRows(schemas) });
  else describe.skip(`${name} on PostgreSQL: ${skip}`, () => it('skipped', () => undefined));
  return { dir, stores };
}

/** What a reader of a view's table sees: on SQLite the database file and its WAL as bytes; on PostgreSQL every row as text. */
export async function viewTableBytes(db: StoredRows, table = 'user_directory'): Promise<string> {
  if (db.url.startsWith('file:')) {
    const file = db.url.slice('file:'.length);
    return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))).toString(
      'latin1',
    );
  }
  const rows = await db.query(`SELECT t::text AS row FROM "${table}" t`);
  return rows.map((r) => String(r['row'])).join('\n');
}

const bin = join(import.meta.dirname, '../../bin/eventforge.js');

/** Runs `eventforge` as a real process in `cwd`, with only the variables given. */
export function eventforge(cwd: string, args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
}
