/** Where the CLI keeps what it may recompute (result records, the TypeScript compiler's code cache): the working folder's `node_modules/.cache/eventforge/`, as other tools do. */
import { join } from 'node:path';

export function cacheFolder(cwd: string): string {
  return join(cwd, 'node_modules', '.cache', 'eventforge');
}
