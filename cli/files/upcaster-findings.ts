/**
 * The CLI's store of upcasters-module findings (generator/validate/typescript/check-upcasters.ts):
 * one small file per key in the cache folder, `upcasters-<hash>.json`, the hash over the
 * generator's fingerprint (eventforge, @ts-morph/common's TypeScript, Node) and the compiler's
 * key. So a `check` or `generate` after editing a schema does not load TypeScript for a module
 * whose text, payload types and signatures did not change. Best effort, like the other records:
 * anything unreadable is a miss, an unwritable folder no store.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UpcasterFindingStore } from '../../generator/validate/typescript/check-upcasters.js';
import type { UpcasterFinding } from '../../generator/validate/typescript/judge.js';
import { writeAtomically } from './write-atomically.js';

interface FindingsRecord {
  readonly key: string;
  readonly findings: readonly UpcasterFinding[];
}

export function upcasterFindingStore(folder: string, fingerprint: string): UpcasterFindingStore {
  const fullKey = (key: string): string => createHash('sha256').update(`${fingerprint}\0${key}`).digest('hex');
  const file = (full: string): string => join(folder, `upcasters-${full.slice(0, 16)}.json`);
  return {
    get: (key) => {
      const full = fullKey(key);
      try {
        const record = JSON.parse(readFileSync(file(full), 'utf8')) as FindingsRecord;
        return record.key === full && Array.isArray(record.findings) ? record.findings : undefined;
      } catch {
        return undefined;
      }
    },
    set: (key, findings) => {
      const full = fullKey(key);
      const record: FindingsRecord = { key: full, findings };
      writeAtomically(file(full), `${JSON.stringify(record)}\n`);
    },
  };
}
