/**
 * What the `eventforge` command (the @eventforge/cli package) needs from the runtime beyond the
 * public entries (`eventforge/runtime/command`): the configuration readers, the store's shipped
 * migrations, projection administration and a view's rebuild. The command loads them from the
 * application's own copy of eventforge (a peer dependency at the same version), so both run the
 * same runtime. Not for applications: it changes with the command.
 *
 * `generate` imports this entry for the migrations' folder, so it loads only small modules: the
 * projection and view functions load their modules (and decimal.js) on first call.
 */
import type * as ProjectionAdmin from './projection-admin.js';
import type * as ViewSwap from './views/view-swap.js';

export { readCipherKey, readPreviousCipherKeys, readStore } from './config.js';
export { storeMigrationsDir, storeSchemaFile, type Provider } from './sql/migrations.js';

export const projectionStatuses: typeof ProjectionAdmin.projectionStatuses = async (recorder) =>
  (await import('./projection-admin.js')).projectionStatuses(recorder);

export const parkedEvents: typeof ProjectionAdmin.parkedEvents = async (recorder, projection) =>
  (await import('./projection-admin.js')).parkedEvents(recorder, projection);

export const requestRetry: typeof ProjectionAdmin.requestRetry = async (recorder, projection, notificationId) =>
  (await import('./projection-admin.js')).requestRetry(recorder, projection, notificationId);

export const rebuildBySwap: typeof ViewSwap.rebuildBySwap = async (app, definition, options) =>
  (await import('./views/view-swap.js')).rebuildBySwap(app, definition, options);
