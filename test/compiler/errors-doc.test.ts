/**
 * docs/errors.md documents every code the compiler can raise, and its examples are exact.
 * After changing a message: `UPDATE_GOLDEN=1 npx vitest run test/compiler` and review the diff.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, formatDiagnostic } from '../../generator/index.js';
import { documentedCodes, explainCode } from '../../cli/commands/explain.js';

const repo = join(import.meta.dirname, '..', '..');
const docPath = join(repo, 'docs', 'errors.md');

/** `UPDATE_GOLDEN=1`: rewrite each example's output block from what the compiler prints now (review the diff). */
if (process.env['UPDATE_GOLDEN'] === '1') {
  const current = readFileSync(docPath, 'utf8');
  writeFileSync(
    docPath,
    current.replace(/```yaml\n([\s\S]*?)```\n\n```text\n[\s\S]*?```/g, (_, yaml: string) => {
      const result = compile({ sources: [{ path: 'example.domain.yaml', text: yaml }], skipEmit: true });
      return `\`\`\`yaml\n${yaml}\`\`\`\n\n\`\`\`text\n${result.diagnostics.map(formatDiagnostic).join('\n')}\n\`\`\``;
    }),
  );
}
const doc = readFileSync(docPath, 'utf8');

/** Every `'EF123'` string literal in generator/ (diagnostic codes are always written so). */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(join(repo, 'generator'), { recursive: true, withFileTypes: true }).filter(
    (e) => e.isFile() && e.name.endsWith('.ts'),
  );
  for (const file of files) {
    const text = readFileSync(join(file.parentPath, file.name), 'utf8');
    for (const match of text.matchAll(/['"`](EF\d{3})['"`]/g)) codes.add(match[1] ?? '');
  }
  return codes;
}

/** Sections with a yaml example followed by its text block. */
function examples(): { code: string; yaml: string; text: string }[] {
  const result: { code: string; yaml: string; text: string }[] = [];
  for (const section of doc.split(/^## /m).slice(1)) {
    const code = section.slice(0, 5);
    const match = /```yaml\n([\s\S]*?)```\n\n```text\n([\s\S]*?)```/.exec(section);
    if (match !== null) result.push({ code, yaml: match[1] ?? '', text: (match[2] ?? '').trimEnd() });
  }
  return result;
}

describe('docs/errors.md', () => {
  it('has an entry for every code used in the source, and no entry for a code that is not', () => {
    const documented = documentedCodes(doc);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...codesInSource()].sort()).toEqual([...documented].sort());
  });

  it('gives each entry a meaning, an example and a fix', () => {
    for (const code of documentedCodes(doc)) {
      const entry = explainCode(doc, code) ?? '';
      expect(entry, code).toMatch(/\n\nExample:/);
      expect(entry, code).toMatch(/\n\nFix: \S/);
    }
  });

  it.each(examples())('the example of $code prints exactly what the doc shows', ({ code, yaml, text }) => {
    const result = compile({ sources: [{ path: 'example.domain.yaml', text: yaml }], skipEmit: true });
    expect(result.diagnostics.map(formatDiagnostic).join('\n')).toBe(text);
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
  });

  it('has a checked yaml example for at least 50 codes', () => {
    expect(examples().length).toBeGreaterThanOrEqual(50);
  });
});
