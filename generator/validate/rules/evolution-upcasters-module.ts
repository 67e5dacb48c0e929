/**
 * Custom upcasters need a module to live in: a `using:` requires the domain's `upcasters:`
 * key, and that key must name an existing TypeScript module next to the schema.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { Diagnostic } from '../../diagnostics.js';
import { domainFolder } from '../../ir/naming.js';
import type { Located, RawPayload, RawUpcast } from '../../load/raw-model.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

/** Diagnostic codes of this rule (documented in docs/errors.md). */
export const UpcastersModuleCodes = {
  missingModule: 'EF330',
  moduleNotFound: 'EF331',
} as const;

const MODULE_PATH = /^\.\.?\/.+\.(?:ts|mts|js|mjs)$/;

export const evolutionUpcastersModule: Rule = ({ domain }) => {
  const diagnostics: Diagnostic[] = [];
  const payloads: RawPayload[] = domain.aggregates.flatMap((a) => [a.state, ...a.events.map((e) => e.payload)]);
  const usings: Located<string>[] = payloads.flatMap((p) =>
    p.history.flatMap((h) => h.upcast.flatMap((u: RawUpcast) => (u.using === undefined ? [] : [u.using]))),
  );
  const suggested = `./${domainFolder(domain.name.value)}.upcasters.ts`;
  if (domain.upcasters === undefined) {
    for (const using of usings) {
      diagnostics.push(
        errorAt(domain.file, using.range, UpcastersModuleCodes.missingModule,
          `custom upcaster ${using.value} is used, but domain ${domain.name.value} names no upcasters module`,
          `add at the top level: upcasters: ${suggested}   (a module exporting ${using.value})`),
      );
    }
    return diagnostics;
  }
  const declared = domain.upcasters;
  if (!MODULE_PATH.test(declared.value)) {
    diagnostics.push(
      errorAt(domain.file, declared.range, UpcastersModuleCodes.moduleNotFound,
        `upcasters module "${declared.value}" is not a relative path to a .ts or .js file`,
        `write it relative to the schema file, e.g. upcasters: ${suggested}`),
    );
    return diagnostics;
  }
  const resolved = posix.join(posix.dirname(domain.file), declared.value);
  if (!existsSync(resolved)) {
    diagnostics.push(
      errorAt(domain.file, declared.range, UpcastersModuleCodes.moduleNotFound,
        `upcasters module ${declared.value} does not exist (looked for ${resolved})`,
        usings.length > 0
          ? `create it and export ${[...new Set(usings.map((u) => u.value))].sort().join(', ')} from it`
          : 'create it, or remove the `upcasters:` key if no upcaster is custom'),
    );
  }
  return diagnostics;
};
