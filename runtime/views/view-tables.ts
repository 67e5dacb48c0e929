/**
 * A view's table on a SQL store, and the shape it was built with: `eventforge_views` records each
 * view's shape hash, so a table of an older shape is never written with rows of the new one.
 */
import type { SqlExecutor, ViewDefinition } from './definition.js';
import { ViewError } from './view-store.js';

const REGISTRY = 'CREATE TABLE IF NOT EXISTS eventforge_views (name TEXT PRIMARY KEY, shape_hash TEXT NOT NULL)';

const placeholders = (sql: SqlExecutor, count: number): string[] =>
  Array.from({ length: count }, (_, i) => (sql.provider === 'postgresql' ? `$${i + 1}` : '?'));

/**
 * Creates the view's table when missing and records its shape; refuses a table built with
 * another shape (the definition changed since): it must be rebuilt.
 */
export async function prepareViewTable<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  sql: SqlExecutor,
): Promise<void> {
  await sql.execute(REGISTRY);
  const [p1] = placeholders(sql, 1);
  const rows = await sql.query(`SELECT shape_hash FROM eventforge_views WHERE name = ${p1}`, [definition.name]);
  const stored = rows[0]?.['shape_hash'];
  if (stored !== undefined && stored !== definition.shapeHash)
    throw new ViewError(
      `view ${definition.name}: its table "${definition.table}" was built with another shape (${String(stored)}, ` +
        `the definition now has ${definition.shapeHash}); rebuild it: \`eventforge projections rebuild ${definition.name}\` ` +
        'or ProjectionRunner.rebuild()',
    );
  for (const statement of definition.ddl[sql.provider]) await sql.execute(statement);
  if (stored === undefined) await recordShape(definition, sql);
}

/** Drops the view's table and creates it with the current shape (a rebuild's first step). */
export async function recreateViewTable<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  sql: SqlExecutor,
): Promise<void> {
  await sql.execute(REGISTRY);
  await sql.execute(`DROP TABLE IF EXISTS "${definition.table}"`);
  for (const statement of definition.ddl[sql.provider]) await sql.execute(statement);
  const [p1] = placeholders(sql, 1);
  await sql.execute(`DELETE FROM eventforge_views WHERE name = ${p1}`, [definition.name]);
  await recordShape(definition, sql);
}

async function recordShape<R extends object, K extends object>(
  definition: ViewDefinition<R, K>,
  sql: SqlExecutor,
): Promise<void> {
  const [p1, p2] = placeholders(sql, 2);
  await sql.execute(`INSERT INTO eventforge_views (name, shape_hash) VALUES (${p1}, ${p2})`, [
    definition.name,
    definition.shapeHash,
  ]);
}
