/**
 * A forgotten subject in a view (docs/views.md, "Personal data in views"): the personal columns
 * of every row whose subject column holds the subject take their placeholders. The compiler
 * makes every operation that writes personal data fill that key column from the event's subject,
 * so these are exactly the rows holding the subject's personal data. On a SQL store a rebuild's
 * shadow table is scrubbed too: swapped in later, it would otherwise bring the plaintext back.
 */
import { rowValueOf, toSql } from './column-codec.js';
import type { SqlExecutor, ViewColumn, ViewDefinition } from './definition.js';
import { columnOf } from './view-store.js';

/** What a personal column holds once its subject is forgotten, as rows hold it. */
export function placeholderOf(column: ViewColumn): unknown {
  return rowValueOf(column, column.redacted ?? null);
}

/** The personal columns and the subject column of a view; undefined when there is nothing to scrub. */
export function personalShape<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
): { readonly personal: readonly ViewColumn[]; readonly subject: ViewColumn } | undefined {
  const personal = definition.columns.filter((c) => c.personal === true);
  if (personal.length === 0 || definition.subjectColumn === undefined) return undefined;
  return { personal, subject: columnOf(definition, definition.subjectColumn) };
}

/** Scrubs the subject's rows in the view's table (and its shadow, while a rebuild has one); resolves to the rows changed. */
export async function scrubSqlView<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  sql: SqlExecutor,
  subject: string,
  shadowTable: string,
): Promise<number> {
  const shape = personalShape(definition);
  if (shape === undefined) return 0;
  const p = (i: number): string => (sql.provider === 'postgresql' ? `$${i}` : '?');
  const sets = shape.personal.map((c, i) => `"${c.column}" = ${p(i + 1)}`).join(', ');
  const params = [...shape.personal.map((c) => toSql(sql.provider, c, placeholderOf(c))), subject];
  let changed = 0;
  for (const table of [definition.table, shadowTable]) {
    // A view that has not processed an event yet has no table.
    if (!(await tableExists(sql, table))) continue;
    changed += await sql.execute(
      `UPDATE "${table}" SET ${sets} WHERE "${shape.subject.column}" = ${p(params.length)}`,
      params,
    );
  }
  return changed;
}

async function tableExists(sql: SqlExecutor, table: string): Promise<boolean> {
  const rows =
    sql.provider === 'sqlite'
      ? await sql.query("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
      : await sql.query('SELECT 1 AS present WHERE to_regclass($1) IS NOT NULL', [`"${table}"`]);
  return rows.length > 0;
}
