#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx's loader, for this repository's scripts and
// tests (no build needed). The published command is @eventforge/cli's compiled dist/cli/bin.js.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// The CLI imports the runtime by its package name (`eventforge/runtime/command`, as the published
// command does from the application's eventforge): here that must be the sources, never a stale
// dist/, so the `eventforge-source` condition is added when the process was not started with it.
const SOURCE = 'eventforge-source';
if (!process.execArgv.includes(`--conditions=${SOURCE}`) && !process.env.NODE_OPTIONS?.includes(SOURCE)) {
  const hook = `export const resolve = (specifier, context, next) =>
    next(specifier, { ...context, conditions: [${JSON.stringify(SOURCE)}, ...context.conditions] });`;
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`);
}
// V8 flags for the command this process will run (as the compiled command sets them).
const { tuneProcessFor } = await import('../cli/process-tuning.ts');
tuneProcessFor(process.argv.slice(2));
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
