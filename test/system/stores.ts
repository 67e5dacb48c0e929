/**
 * The stores a system test runs on, each application with a store of its own: in memory, SQLite
 * files in a temporary folder, PostgreSQL schemas (when the server is there; a skip reason
 * otherwise). `open()` gives a fresh set; `cleanup` removes the files (schemas are dropped by
 * the pool after all tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ApplicationOptions } from 'eventforge/runtime';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

export interface SystemStore {
  readonly label: string;
  /** Whether its data outlives the process (a restarted or second process sees it). */
  readonly durable: boolean;
  /** A fresh store per application name. */
  open(): {
    urlOf: (name: string) => string;
    applicationOptions: (name: string) => ApplicationOptions;
    cleanup: () => void;
  };
}

export const postgresSkip = await postgresSkipReason();

/** The stores, PostgreSQL only when reachable; `prefix` names the test's schemas. */
export function systemStores(prefix: string): SystemStore[] {
  const schemas = new SchemaPool(prefix);
  afterAll(() => schemas.dropAll());
  const withUrls = (urlOf: (name: string) => string, cleanup = () => {}) => ({
    urlOf,
    applicationOptions: (name: string): ApplicationOptions => ({ env: { DATABASE_URL: urlOf(name) } }),
    cleanup,
  });
  return [
    { label: 'in-memory', durable: false, open: () => withUrls(() => 'memory:') },
    {
      label: 'SQLite files',
      durable: true,
      open: () => {
        const dir = mkdtempSync(join(tmpdir(), `eventforge-${prefix}-`));
        return withUrls(
          (name) => `file:${join(dir, `${name}.sqlite`)}`,
          () => rmSync(dir, { recursive: true, force: true }),
        );
      },
    },
    ...(postgresSkip === undefined
      ? [
          {
            label: 'PostgreSQL schemas',
            durable: true,
            open: () => {
              const names = new Map<string, string>();
              return withUrls(
                (name) =>
                  `${TEST_DATABASE_URL}?schema=${names.get(name) ?? names.set(name, schemas.next()).get(name)!}`,
              );
            },
          },
        ]
      : []),
  ];
}
