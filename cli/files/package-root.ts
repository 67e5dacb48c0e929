/**
 * Where the command's own files are, whether it runs from source (cli/ beside package.json) or
 * compiled (dist/cli/, one folder deeper, in @eventforge/cli or in this repository's build):
 * code paths and package.json are found from here. The runtime's files are not: the command
 * reaches them through the eventforge package (`eventforge/runtime/command`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding cli/ and generator/ (the repository root, or dist/ once built). */
export const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folder holding the command's package.json (@eventforge/cli's, or this repository's). */
export const PACKAGE_ROOT = existsSync(join(CODE_ROOT, 'package.json')) ? CODE_ROOT : join(dirname(CODE_ROOT), '/');

/** The command's package.json: its version, and the ranges `init` writes. */
export const PACKAGE_JSON = join(PACKAGE_ROOT, 'package.json');

/** The published package the command, the compiler and their libraries ship in (the runtime is `eventforge`). */
export const CLI_PACKAGE = '@eventforge/cli';
