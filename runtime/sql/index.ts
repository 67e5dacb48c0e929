/**
 * The SQL recorders, on Prisma's driver adapters: SQLite (the embedded default) and PostgreSQL,
 * with the event store's migrations and Prisma schema (store-schema/). Loaded on demand by the
 * runtime's configuration, so applications on the in-memory store never load a database driver.
 */
export {
  createSqliteRecorder,
  createSqliteRecorderOnAdapter,
  migrateSqliteFile,
  type SqliteRecorderOptions,
} from './sqlite-recorder.js';
export { createRecorderOnAdapter } from './adapter-recorder.js';
export { shareAdapter } from './shared-adapter.js';
export {
  createPostgresRecorder,
  createPostgresRecorderOnAdapter,
  migratePostgres,
  postgresTarget,
  redactUrl,
  type PostgresRecorderOptions,
} from './postgres-recorder.js';
export {
  MigrationError,
  readMigrations,
  storeMigrationsDir,
  storeSchemaFile,
  type Migration,
  type MigrationReport,
  type Provider,
} from './migrations.js';
export {
  reencryptStore,
  type ReencryptOptions,
  type ReencryptReport,
  type RefusedRecord,
  type TableReport,
} from './reencrypt.js';
