/**
 * Prisma-backed recorders: SQLite (the embedded default) and PostgreSQL. Loaded on demand by the
 * runtime's configuration, so applications on the in-memory store never load a database driver.
 */
export { createSqliteRecorder, type SqliteRecorderOptions } from './sqlite-recorder.js';
export { createPostgresRecorder, type PostgresRecorderOptions } from './postgres-recorder.js';
export { MigrationError, type MigrationReport } from './migrations.js';
