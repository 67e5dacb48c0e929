/** Checks across schema files: two files declaring the same domain (or the same output folder). */
import type { Diagnostic } from '../../diagnostics.js';
import { domainFolder } from '../../ir/naming.js';
import type { RawDomain } from '../../load/raw-model.js';
import { errorAt } from '../../load/source-doc.js';

export function checkProject(domains: readonly RawDomain[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byFolder = new Map<string, RawDomain>();
  for (const domain of domains) {
    const folder = domainFolder(domain.name.value);
    const first = byFolder.get(folder);
    if (first === undefined) {
      byFolder.set(folder, domain);
      continue;
    }
    const same = first.name.value === domain.name.value;
    diagnostics.push(
      errorAt(
        domain.file,
        domain.name.range,
        'EF207',
        same
          ? `domain ${domain.name.value} is also declared in ${first.file}`
          : `domain ${domain.name.value} would generate into the same folder "${folder}/" as domain ${first.name.value} of ${first.file}`,
        'each domain is declared by one schema file; rename one of them or merge the files',
      ),
    );
  }
  return diagnostics;
}
