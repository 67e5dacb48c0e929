/** A recorder on the driver adapter a PrismaClient was given, whichever database it reaches. */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ConfigurationError } from '../errors.js';
import type { Recorder } from '../recorder.js';
import { createPostgresRecorderOnAdapter } from './postgres-recorder.js';
import { createSqliteRecorderOnAdapter } from './sqlite-recorder.js';

/** The SQLite or PostgreSQL store on `factory`'s connection (docs/prisma.md). */
export function createRecorderOnAdapter(factory: SqlDriverAdapterFactory): Promise<Recorder> {
  if (factory.provider === 'sqlite') return createSqliteRecorderOnAdapter(factory);
  if (factory.provider === 'postgres') return createPostgresRecorderOnAdapter(factory);
  throw new ConfigurationError(
    `eventforge stores events on SQLite (PrismaBetterSqlite3) or PostgreSQL (PrismaPg); this adapter's database is ${factory.provider}`,
  );
}
