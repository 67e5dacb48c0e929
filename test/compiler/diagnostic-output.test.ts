/**
 * How the real `bin/eventforge.js` shows diagnostics: a code frame under each (plain when
 * piped or with NO_COLOR, coloured on a terminal or with FORCE_COLOR) and `--json` on `check`
 * and `generate`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wantsColor } from '../../generator/report/paint.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'eventforge.js');
const ESC = '\u001b[';
let dir: string;

/** The environment without the colour switches of whoever runs the tests. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = process.env;
  return { ...rest, ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: dir,
      env: env(extraEnv),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as Run;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
async function runOnTerminal(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  try {
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: env(extraEnv),
    });
    return stdout;
  } catch (error) {
    return (error as Run).stdout;
  }
}

const schema = [
  'domain: Shop',
  'types:',
  '  Line: { fields: { sku: string } }',
  'aggregates:',
  '  Cart:',
  '    state:',
  '      fields: { owner: string, lines: "Lien[]" }',
  '    events:',
  '      Opened: { creates: true, fields: { owner: string }, apply: custom }',
  '',
].join('\n');

const head = 'schemas/shop.domain.yaml:7:40: error EF200: unknown type "Lien" in field "lines" of the state of Cart';
const frame = [
  '  |',
  '7 |       fields: { owner: string, lines: "Lien[]" }',
  '  |                                        ^^^^',
];
const hint = '  hint: did you mean "Line"?';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-output-'));
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(join(dir, 'schemas', 'shop.domain.yaml'), schema);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('code frames', () => {
  it('prints the first line as before, then the source line with a gutter and an underline of the span, then the hint; plain when piped', async () => {
    const result = await run(['check']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe([head, ...frame, hint, ''].join('\n'));
  });

  it('colours on a terminal, and not with NO_COLOR', async () => {
    const colored = await runOnTerminal(['check']);
    expect(colored).toContain(`${ESC}1;31merror EF200${ESC}0m`);
    expect(colored).toContain(`${ESC}1;31m^^^^${ESC}0m`);
    const noColor = await runOnTerminal(['check'], { NO_COLOR: '1' });
    expect(noColor).not.toContain(ESC);
    expect(noColor.replace(/\r/g, '')).toContain([head, ...frame, hint].join('\n'));
  });

  it('colours when piped with FORCE_COLOR, and the text without escapes is the plain output', async () => {
    const forced = await run(['check'], { FORCE_COLOR: '1' });
    expect(forced.stderr).toContain(`${ESC}1;36mhint:${ESC}0m`);
    expect(forced.stderr).toContain(`${ESC}1;34m7 |${ESC}0m`);
    expect(forced.stderr.replace(/\u001b\[[\d;]*m/g, '')).toBe((await run(['check'])).stderr);
  });

  it('decides colour by FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: '' }, true)).toBe(true); // an empty NO_COLOR does not count (no-color.org)
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('--json', () => {
  it('check --json prints the diagnostics with stable fields, exit code 1 on errors', async () => {
    const result = await run(['check', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as unknown;
    expect(report).toEqual({
      version: 1,
      diagnostics: [
        {
          file: 'schemas/shop.domain.yaml',
          line: 7,
          column: 40,
          endLine: 7,
          endColumn: 44,
          severity: 'error',
          code: 'EF200',
          message: 'unknown type "Lien" in field "lines" of the state of Cart',
          hint: 'did you mean "Line"?',
        },
      ],
      summary: { domains: 1, errors: 1, warnings: 0 },
    });
  });

  it('generate --json reports the same diagnostics and writes nothing; after the fix, the files it wrote', async () => {
    const failed = await run(['generate', '--json', '--no-cache']);
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as {
      diagnostics: { code: string; line: number }[];
      summary: Record<string, number>;
    };
    expect(report.diagnostics.map((d) => [d.code, d.line])).toEqual([['EF200', 7]]);
    expect(report.summary).toEqual({ domains: 1, errors: 1, warnings: 0 });
    expect(existsSync(join(dir, 'generated'))).toBe(false);

    writeFileSync(join(dir, 'schemas', 'shop.domain.yaml'), schema.replace('Lien[]', 'Line[]'));
    try {
      const written = await run(['generate', '--json']);
      expect(written.code).toBe(0);
      const ok = JSON.parse(written.stdout) as { diagnostics: unknown[]; summary: Record<string, number> };
      expect(ok.diagnostics).toEqual([]);
      expect(ok.summary['written']).toBeGreaterThan(0);
      expect(ok.summary).toMatchObject({ domains: 1, errors: 0, warnings: 0, unchanged: 0, removed: 0 });
      const checked = await run(['generate', '--check', '--json']);
      expect(checked.code).toBe(0);
      expect((JSON.parse(checked.stdout) as { summary: Record<string, number> }).summary).toMatchObject({
        outOfDate: 0,
        unchanged: ok.summary['written'],
      });
    } finally {
      writeFileSync(join(dir, 'schemas', 'shop.domain.yaml'), schema);
    }
  });

  it('keeps the usage exit code for unknown flags', async () => {
    expect((await run(['check', '--jsn'])).code).toBe(2);
  });
});
