/**
 * The key table's statements, written once for both databases (`data_keys`: one row per subject,
 * its wrapped data key, or NULL once forgotten). Timestamps are the database's own clock.
 */
import type { NewDataKey, StoredDataKey } from '../recorder.js';
import { Statement, type SqlQuery } from './driver-adapter.js';

/** Inserts new keys; a subject that has a row is left as it is and not returned (a conflict). */
export function insertDataKeys(numbered: boolean, table: string, keys: readonly NewDataKey[]): SqlQuery {
  const st = new Statement(numbered);
  const rows = keys.map((k) => `(${st.param(k.subject, 'string')}, ${st.param(k.wrapped, 'bytes')})`);
  return st.query(
    `INSERT INTO ${table} (subject, wrapped_key) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING subject`,
  );
}

export function selectDataKeys(numbered: boolean, table: string, subjects: readonly string[]): SqlQuery {
  const st = new Statement(numbered);
  const list = subjects.map((s) => st.param(s, 'string'));
  return st.query(`SELECT subject, wrapped_key FROM ${table} WHERE subject IN (${list.join(', ')})`);
}

/**
 * Deletes the key and leaves the tombstone, numbered next in the store's forget sequence; the
 * update returns the subject when a key was deleted. The caller makes forgets commit one at a
 * time (SQLite's one writer; a lock on PostgreSQL), so the numbers commit in order.
 */
export function forgetDataKey(numbered: boolean, table: string, subject: string, now: string): SqlQuery[] {
  const next = `(SELECT coalesce(max(forget_seq), 0) + 1 FROM ${table})`;
  const had = new Statement(numbered);
  const update = had.query(
    `UPDATE ${table} SET wrapped_key = NULL, forgotten_at = ${now}, forget_seq = ${next} WHERE subject = ${had.param(subject, 'string')} AND wrapped_key IS NOT NULL RETURNING subject`,
  );
  const tomb = new Statement(numbered);
  const insert = tomb.query(
    `INSERT INTO ${table} (subject, wrapped_key, forgotten_at, forget_seq) VALUES (${tomb.param(subject, 'string')}, NULL, ${now}, ${next}) ON CONFLICT DO NOTHING`,
  );
  return [update, insert];
}

export function replaceDataKey(
  numbered: boolean,
  table: string,
  subject: string,
  current: Uint8Array,
  replacement: Uint8Array,
): SqlQuery {
  const st = new Statement(numbered);
  return st.query(
    `UPDATE ${table} SET wrapped_key = ${st.param(replacement, 'bytes')} WHERE subject = ${st.param(subject, 'string')} AND wrapped_key = ${st.param(current, 'bytes')} RETURNING subject`,
  );
}

/** `collate`: the byte-order collation (`COLLATE "C"` on PostgreSQL; SQLite's default is binary). */
export function listDataKeys(
  numbered: boolean,
  table: string,
  after: string | undefined,
  limit: number,
  collate: string,
): SqlQuery {
  const st = new Statement(numbered);
  const where = after === undefined ? '' : ` WHERE subject ${collate} > ${st.param(after, 'string')}`;
  return st.query(
    `SELECT subject, wrapped_key FROM ${table}${where} ORDER BY subject ${collate} LIMIT ${st.param(limit, 'int')}`,
  );
}

export function toDataKey(row: readonly unknown[]): StoredDataKey {
  const wrapped = row[1];
  return {
    subject: row[0] as string,
    wrapped:
      wrapped === null || wrapped === undefined
        ? undefined
        : wrapped instanceof ArrayBuffer
          ? new Uint8Array(wrapped)
          : new Uint8Array(wrapped as Uint8Array),
  };
}
