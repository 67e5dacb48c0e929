/**
 * Copies the Prisma artifacts into the runtime (which may not import the generator) and
 * regenerates the checked-in Prisma clients from them, with no engine download:
 *
 *   npx tsx generator/emit/prisma/sync-runtime.ts
 *
 * `prisma generate` never runs the schema engine, but the CLI insists on finding one; any
 * existing file satisfies it (here: the node binary). test/prisma/artifacts.test.ts fails when
 * the copies or the clients drift.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPrismaArtifacts } from './index.js';
import { PROVIDERS } from './view-model.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const runtimePrisma = join(root, 'runtime/prisma');

/** Generates the Prisma client of `schemaPath` (which names its own output folder). */
export function prismaGenerate(schemaPath: string, cwd: string): void {
  execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', schemaPath], {
    cwd,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: 'pipe',
  });
}

function write(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const provider of PROVIDERS) {
    for (const file of renderPrismaArtifacts(provider, `../client/${provider}`)) {
      const target =
        file.path === 'schema.prisma'
          ? join(runtimePrisma, 'schema', `${provider}.prisma`)
          : join(runtimePrisma, file.path.replace(/^migrations\//, `migrations/${provider}/`));
      write(target, file.contents);
    }
    rmSync(join(runtimePrisma, 'client', provider), { recursive: true, force: true });
    prismaGenerate(join(runtimePrisma, 'schema', `${provider}.prisma`), root);
    console.log(`runtime/prisma: ${provider} schema, migrations and client regenerated`);
  }
}
