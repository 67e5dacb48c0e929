/**
 * Imports a module of the user's project (a config file, a system module). Plain JavaScript is
 * imported by Node; TypeScript is imported by Node too when a loader is running (tsx, or Node's
 * own type stripping), and otherwise goes through jiti, loaded only then, so the compiled CLI
 * reads `.ts` files without the user installing anything.
 */
import { pathToFileURL } from 'node:url';

/** The module's namespace (its exports by name). */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  if (!/\.(m|c)?ts$/.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    // Plain Node on .ts, or Node's type stripping meeting `./x.js` imports of `.ts` files.
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return (await importTypeScript(file)) as Record<string, unknown>;
  }
}

/** A TypeScript file through jiti; `default: true` gives the default export where there is one. */
export async function importTypeScript(file: string, options: { readonly default?: boolean } = {}): Promise<unknown> {
  const { createJiti } = await import('jiti');
  // jiti's transform cache (node_modules/.cache/jiti, keyed by the file's contents) keeps a
  // second run from loading Babel: about a second on this machine.
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  return jiti.import(file, options.default === true ? { default: true } : {});
}
