/**
 * The reserved type names cover every PascalCase name the generated files import (from the
 * runtime or a package): a domain type of that name would shadow the import.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { domainFolder } from '../../generator/ir/naming.js';
import { parseYaml } from '../../generator/load/parse-yaml.js';
import { readDomain } from '../../generator/load/read-domain.js';
import { declaredNames } from '../../generator/validate/rules/duplicate-names.js';
import { RESERVED_TYPE_NAMES } from '../../generator/validate/rules/reserved-names.js';

const repo = join(import.meta.dirname, '..', '..');
const sources = readdirSync(join(repo, 'schemas'))
  .filter((f) => f.endsWith('.domain.yaml'))
  .map((f) => ({ path: `schemas/${f}`, text: readFileSync(join(repo, 'schemas', f), 'utf8') }));

describe('reserved type names', () => {
  it('include every PascalCase name imported from outside the generated folder', () => {
    const result = compile({ sources });
    expect(result.files.length).toBeGreaterThan(0);
    const imported = new Set<string>();
    for (const file of result.files) {
      for (const match of file.contents.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)'/gm)) {
        if ((match[2] ?? '').startsWith('.')) continue;
        for (const part of (match[1] ?? '').split(',')) {
          const name =
            part
              .trim()
              .replace(/^type /, '')
              .split(/\s+as\s+/)[0] ?? '';
          if (/^[A-Z]/.test(name)) imported.add(name);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((name) => !RESERVED_TYPE_NAMES.has(name)).sort()).toEqual([]);
  });
});

describe('generated names known to the duplicate-names rule (EF206)', () => {
  it('cover every PascalCase name a domain folder exports', () => {
    const result = compile({ sources });
    for (const source of sources) {
      const parsed = parseYaml(source);
      const known = new Set(
        declaredNames(readDomain(parsed.source)).flatMap((d) => [d.name.value, ...d.generated.map((g) => g.name)]),
      );
      const domain = result.project?.domains.find((d) => d.sourcePath === source.path);
      const folder = `${domainFolder(domain?.name ?? '')}/`;
      const exported = new Set<string>();
      for (const file of result.files.filter((f) => f.path.startsWith(folder))) {
        for (const match of file.contents.matchAll(
          /^export (?:declare )?(?:abstract )?(?:type|interface|class|const|function|enum) ([A-Z]\w*)/gm,
        ))
          exported.add(match[1] ?? '');
      }
      expect(exported.size, source.path).toBeGreaterThan(0);
      expect([...exported].filter((name) => !known.has(name)).sort(), source.path).toEqual([]);
    }
  });
});
