/**
 * The SQLite store's own connection (runtime/sql/sqlite-direct.ts) answers as Prisma's
 * better-sqlite3 adapter does on the same file: the same rows for the same statements and
 * arguments (integers, beyond 2^53, REAL in an INTEGER column, DATETIME columns, BLOBs, NULLs,
 * columns without a declared type), the same changed-row counts, and errors the recorder explains
 * the same way. And log pages read with `payloads: 'text'` give each payload without layers as
 * its text, every other as its bytes, a payload whose bytes are not UTF-8 too.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../runtime/recorder.js';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { adapterErrorKind, explainAdapterError, type SqlQuery } from '../../runtime/sql/driver-adapter.js';
import { SqliteDirect } from '../../runtime/sql/sqlite-direct.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-sqlite-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Arg = SqlQuery['args'][number];
type Scalar = SqlQuery['argTypes'][number]['scalarType'];
const query = (sql: string, ...args: [Arg, Scalar][]): SqlQuery => ({
  sql,
  args: args.map(([value]) => value),
  argTypes: args.map(([, scalarType]) => ({ scalarType, arity: 'scalar' as const })),
});

describe('the direct connection and the adapter on one file', async () => {
  const path = join(dir, 'parity.db');
  const direct = new SqliteDirect(Database, path, 5000);
  const adapter = await new PrismaBetterSqlite3({ url: path }, { timestampFormat: 'unixepoch-ms' }).connect();
  afterAll(async () => {
    await direct.dispose();
    await adapter.dispose();
  });
  await direct.executeScript(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, big BIGINT, r REAL, at DATETIME, b BLOB, s TEXT, flag BOOLEAN, loose)',
  );

  const writes: SqlQuery[] = [
    query(
      'INSERT INTO t (id, n, big, r, at, b, s, flag, loose) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [1, 'int'],
      [42, 'int'],
      [2n ** 62n + 1n, 'bigint'],
      [1.5, 'float'],
      [new Date(Date.UTC(2026, 11, 3, 7, 0, 1, 7)), 'datetime'],
      [Uint8Array.of(0, 1, 255), 'bytes'],
      ['✓ text', 'string'],
      [true, 'boolean'],
      [null, 'unknown'],
    ),
    query(
      'INSERT INTO t (id, n, big, r, at, b, s, flag, loose) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ['2', 'int'],
      ['9007199254740993', 'bigint'],
      [-1n, 'bigint'],
      ['2.25', 'float'],
      ['2026-12-03T07:00:02.000Z', 'datetime'],
      ['AAEC', 'bytes'],
      [null, 'string'],
      [false, 'boolean'],
      [7, 'int'],
    ),
    // A REAL stored in an INTEGER column: the adapter truncates it when reading.
    query('INSERT INTO t (id, n, loose) VALUES (?, ?, ?)', [3, 'int'], [2.75, 'float'], ['x', 'string']),
  ];
  const reads: SqlQuery[] = [
    query('SELECT * FROM t ORDER BY id'),
    query('SELECT id, n * 2 AS doubled, MAX(big) OVER () AS top, length(b), loose FROM t ORDER BY id'),
    query('SELECT COUNT(*), MAX(id), SUM(r) FROM t WHERE flag = ?', [true, 'boolean']),
    query('SELECT s FROM t WHERE id = ?', [1n, 'bigint']),
    query('SELECT * FROM t WHERE id > ?', [99, 'int']),
    query("SELECT NULL, 1.5, 'a'"),
  ];

  it('writes the same rows and counts for the same arguments', async () => {
    for (const write of writes) expect(await direct.executeRaw(write)).toBe(1);
    const written = await direct.queryRaw(reads[0]!);
    await direct.executeScript('DELETE FROM t');
    for (const write of writes) expect(await adapter.executeRaw(write)).toBe(1);
    expect((await adapter.queryRaw(reads[0]!)).rows).toEqual(written.rows);
  });

  it.each(reads.map((r) => [r.sql, r] as const))('reads %s as the adapter does', async (_, read) => {
    const mine = await direct.queryRaw(read);
    const theirs = await adapter.queryRaw(read);
    expect(mine.columnNames).toEqual(theirs.columnNames);
    expect(mine.rows).toEqual(theirs.rows);
  });

  it('a BLOB in a column without a declared type comes as its bytes, where the adapter refuses it', async () => {
    const blob = query("SELECT x'00ff'");
    expect((await direct.queryRaw(blob)).rows).toEqual([[Buffer.from([0, 255])]]);
    await expect(adapter.queryRaw(blob)).rejects.toThrow(/unexpected value/);
  });

  it('a statement prepared once is run again with new arguments, and counts what it changed', async () => {
    const update = (n: number) => query('UPDATE t SET n = ? WHERE id <= ?', [n, 'int'], [2, 'int']);
    expect(await direct.executeRaw(update(5))).toBe(2);
    expect(await direct.executeRaw(update(6))).toBe(2);
    expect((await adapter.queryRaw(query('SELECT n FROM t WHERE id <= 2 ORDER BY id'))).rows).toEqual([[6], [6]]);
  });

  it('fails as the adapter fails, and the recorder explains both alike', async () => {
    const duplicate = query('INSERT INTO t (id) VALUES (?)', [1, 'int']);
    const missing = query('SELECT * FROM no_such_table');
    for (const failing of [duplicate, missing]) {
      const mine = await direct.queryRaw(failing).catch((error: unknown) => error);
      const theirs = await adapter.queryRaw(failing).catch((error: unknown) => error);
      expect(adapterErrorKind(mine)).toBe(adapterErrorKind(theirs));
      expect((explainAdapterError(mine, 'SQLite x') as Error).message).toBe(
        (explainAdapterError(theirs, 'SQLite x') as Error).message,
      );
    }
    expect(adapterErrorKind(await direct.queryRaw(duplicate).catch((e: unknown) => e))).toBe(
      'UniqueConstraintViolation',
    );
  });
});

describe("log pages read with payloads: 'text'", async () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const payloads: Uint8Array[] = [
    text('{"name":"Rex ✓"}'),
    Uint8Array.of(0x01, 0x78, 0x9c), // a layer tag first (deflate)
    Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), // a text byte first, then bytes that are not UTF-8
    new Uint8Array(0),
    text('{"name":"\uFFFD is a character too"}'),
  ];
  const events: StoredEvent[] = payloads.map((state, i) => ({
    streamId: 'dog',
    version: i + 1,
    topic: 'DogSchool.Dog.Registered',
    schemaVersion: 1,
    timestamp: new Date(1_700_000_000_000 + i),
    state,
  }));

  for (const where of ['a file', 'memory'] as const) {
    it(`give plain payloads as text, the others as their bytes (${where})`, async () => {
      const recorder = await createSqliteRecorder({ filename: where === 'memory' ? ':memory:' : join(dir, 'text.db') });
      try {
        await recorder.append(events);
        const asBytes = await recorder.readLog({ start: 1n, limit: 10 });
        const asText = await recorder.readLog({ start: 1n, limit: 10, payloads: 'text' });
        expect(asText.upTo).toBe(asBytes.upTo);
        expect(asBytes.notifications.map((n) => n.stateText)).toEqual(payloads.map(() => undefined));
        expect(asBytes.notifications.map((n) => Buffer.from(n.state))).toEqual(payloads.map((p) => Buffer.from(p)));
        const got = asText.notifications.map((n) => n.stateText ?? Buffer.from(n.state));
        // A U+FFFD in the text may stand for bytes that are not UTF-8: such a payload comes as its bytes.
        expect(got).toEqual([
          '{"name":"Rex ✓"}',
          Buffer.from(payloads[1]!),
          Buffer.from(payloads[2]!),
          Buffer.from(payloads[3]!),
          Buffer.from(payloads[4]!),
        ]);
        for (const n of asText.notifications) if (n.stateText !== undefined) expect(n.state.length).toBe(0);
      } finally {
        await recorder.close();
      }
    });
  }
});
