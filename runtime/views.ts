/**
 * Read models declared in the schema (`views:`): their definitions as generated code writes
 * them, the stores of their rows (SQL and memory), their projection, and executors over the
 * drivers. docs/views.md.
 */
export type {
  SqlExecutor,
  ViewColumn,
  ViewColumnType,
  ViewDefinition,
  ViewHandler,
  ViewOperation,
  ViewOperationKind,
  ViewProvider,
  ViewValue,
} from './views/definition.js';
export { ViewError, type ViewAppend, type ViewInsert, type ViewStore } from './views/view-store.js';
export { SqlViewStore } from './views/sql-view-store.js';
export { MemoryViewStore } from './views/memory-view-store.js';
export { ViewProjection, type ViewTransaction } from './views/view-projection.js';
export {
  postgresConnection,
  sqliteConnection,
  type PostgresClientLike,
  type SqliteDatabaseLike,
} from './views/driver-executors.js';
