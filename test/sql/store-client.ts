/**
 * A typed Prisma client for the event store's tables, made as docs/persistence.md tells users to:
 * a copy of the runtime's schema.prisma, then `prisma generate`. Offline: `prisma generate` never
 * runs the schema engine, but the CLI insists on finding one, and any existing file satisfies it
 * (here: the node binary). Shared by the tests and the persistence bench.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { storeSchemaFile, type Provider } from '../../runtime/sql/index.js';

const root = join(import.meta.dirname, '../..');

/** Runs `prisma generate` on `schemaPath`, offline. */
export function prismaGenerate(schemaPath: string): void {
  execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', schemaPath], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: 'pipe',
  });
}

/**
 * Generates the client of `provider`'s store schema under `dir` (a scratch folder the caller
 * removes) and returns the URL of its entry module. `dir` gets a link to the project's
 * node_modules, so the client finds `@prisma/client` wherever `dir` is.
 */
export function generateStoreClient(provider: Provider, dir: string): string {
  const folder = join(dir, provider);
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  copyFileSync(storeSchemaFile(provider), join(folder, 'schema.prisma'));
  prismaGenerate(join(folder, 'schema.prisma'));
  return pathToFileURL(join(folder, 'client', 'client.ts')).href;
}
