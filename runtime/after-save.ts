/**
 * What runs after an application's save, before the save resolves: a single-threaded runner
 * processes the system's followers there, so a command returns with the whole system quiet.
 */
import type { Application } from './application.js';

const hooks = new WeakMap<Application, () => Promise<void>>();

/** Runs `hook` after every save of `app` (replacing an earlier hook); returns its removal. */
export function setAfterSave(app: Application, hook: () => Promise<void>): () => void {
  hooks.set(app, hook);
  return () => {
    if (hooks.get(app) === hook) hooks.delete(app);
  };
}

/** Runs the hook of `app`, if any. */
export async function runAfterSave(app: Application): Promise<void> {
  await hooks.get(app)?.();
}
