/**
 * generated/ is checked in: it must be exactly what `eventforge generate` produces for schemas/
 * (the same check as `eventforge generate --check`, run by `npm test` and so by CI). When it
 * fails, run `npm run generate` and commit generated/.
 */
import { describe, expect, it } from 'vitest';
import { runGenerate } from '../../generator/cli.js';
import { ROOT } from '../emit/golden-cases.js';

describe('checked-in generated/', () => {
  it('has no drift from schemas/', async () => {
    const out: string[] = [];
    const io = { cwd: ROOT, out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const code = await runGenerate({ schemas: 'schemas', out: 'generated', check: true }, io);
    expect(out.join('\n')).toMatch(/generated\/ is up to date/);
    expect(code).toBe(0);
  });
});
