/**
 * generated/ is checked in: it must be exactly what `eventforge generate` produces for schemas/
 * (the same check as `eventforge generate --check`, run by `npm test` and so by CI). When it
 * fails, run `npm run generate` and commit generated/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGenerate } from '../../cli/commands/generate.js';
import { ROOT } from '../emit/golden-cases.js';

/** The TypeScript and JavaScript files of generated/ (one folder per domain), relative to the root. */
function generatedCode(): string[] {
  return readdirSync(join(ROOT, 'generated'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name) && !e.parentPath.includes(`${join('generated', 'prisma')}`))
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1))
    .sort();
}

describe('checked-in generated/', () => {
  it('has no drift from schemas/', async () => {
    const out: string[] = [];
    const io = { cwd: ROOT, out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const code = await runGenerate({ schemas: 'schemas', out: 'generated', check: true }, io);
    expect(out.join('\n')).toMatch(/generated\/ is up to date/);
    expect(code).toBe(0);
  });

  it('never writes `any` nor silences the checker, in any domain folder', () => {
    const files = generatedCode();
    expect(files.filter((f) => f.endsWith('/aggregates.ts')).length).toBeGreaterThanOrEqual(5);
    const offenders = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\bany\b|@ts-(ignore|nocheck|expect-error)|eslint-disable/.test(line)
            ? [`${file}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });
});
