/**
 * Where eventforge's own files are, whether it runs from source (cli/ beside package.json) or
 * compiled (dist/cli/, one folder deeper): code paths and package.json are found from here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding cli/, generator/ and runtime/ (the repository root, or dist/ once built). */
export const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folder holding eventforge's package.json. */
export const PACKAGE_ROOT = existsSync(join(CODE_ROOT, 'package.json')) ? CODE_ROOT : join(dirname(CODE_ROOT), '/');

/** eventforge's package.json. */
export const PACKAGE_JSON = join(PACKAGE_ROOT, 'package.json');

/** The published package the command, the compiler and their libraries ship in (the runtime is `eventforge`). */
export const CLI_PACKAGE = '@eventforge/cli';
