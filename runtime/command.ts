/**
 * What the `eventforge` command (the @eventforge/cli package) needs from the runtime beyond the
 * public entries (`eventforge/runtime/command`): the configuration readers, the store's shipped
 * migrations, projection administration and a view's rebuild. The command loads them from the
 * application's own copy of eventforge (a peer dependency at the same version), so both run the
 * same runtime. Not for applications: it changes with the command.
 *
 * Kept apart from index.ts so the file commands (`generate`) load a few small modules, not the
 * whole runtime.
 */
export { readCipherKey, readPreviousCipherKeys, readStore } from './config.js';
export { parkedEvents, projectionStatuses, requestRetry } from './projection-admin.js';
export { storeMigrationsDir, storeSchemaFile } from './sql/migrations.js';
export { rebuildBySwap } from './views/view-swap.js';
export type { Provider } from './sql/migrations.js';
