/** bin/eventforge.js as a real process: tsx loading, output streams and the exit code. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'eventforge.js');
let dir: string;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-bin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/eventforge.js', () => {
  it('exits 1 with diagnostics on stderr and the summary on stdout', async () => {
    writeFileSync(
      join(dir, 'bad.domain.yaml'),
      'domain: Bad\naggregates:\n  Thing:\n    events:\n      Made: { creates: true, fields: { x: strng } }\n',
    );
    const result = await run(['check', 'bad.domain.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'bad.domain.yaml:5:43: error EF200: unknown type "strng" in field "x" of event Thing.Made\n',
    );
    expect(result.stderr).toContain('\n  hint: did you mean "string"?\n');
    expect(result.stdout).toMatch(/^eventforge check: 1 domain, 1 error, 0 warnings \(\d+ ms\)\n$/);
  });

  it('exits 0 on --version and 2 on an unknown command', async () => {
    expect((await run(['--version'])).code).toBe(0);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
