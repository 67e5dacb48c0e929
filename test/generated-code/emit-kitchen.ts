/**
 * Writes the generated code of the hand-built Kitchen domain (test/emit/kitchen-domain.ts) to
 * test/fixtures/golden/kitchen/expected/: `npx tsx test/generated-code/emit-kitchen.ts`.
 * The golden test compares the same output; the behaviour tests import it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emitters } from '../../generator/emit/index.js';
import type { GeneratedFile } from '../../generator/emit/types.js';
import { kitchenDomain } from '../emit/kitchen-domain.js';

export const KITCHEN_EXPECTED = join(import.meta.dirname, '..', 'fixtures', 'golden', 'kitchen', 'expected');

/** Every file the registered emitters generate for the Kitchen domain. */
export function emitKitchen(): GeneratedFile[] {
  const ctx = { runtimeImport: 'eventforge/runtime', outToCwd: '../../../../..' };
  return emitters
    .flatMap((e) => e.emit({ kind: 'project', domains: [kitchenDomain] }, ctx))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

if (process.argv[1] === import.meta.filename) {
  rmSync(KITCHEN_EXPECTED, { recursive: true, force: true });
  for (const file of emitKitchen()) {
    mkdirSync(dirname(join(KITCHEN_EXPECTED, file.path)), { recursive: true });
    writeFileSync(join(KITCHEN_EXPECTED, file.path), file.contents);
  }
  console.log(`wrote ${KITCHEN_EXPECTED}`);
}
