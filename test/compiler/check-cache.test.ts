/**
 * `eventforge check`'s result cache: an unchanged re-run is answered from
 * node_modules/.cache/eventforge without compiling (so without loading the TypeScript compiler
 * for an upcasters module), and any change to a schema or a named module is checked afresh.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const repo = join(import.meta.dirname, '..', '..');
let dir: string;
let modulePath: string;

async function check(...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await main(['check', ...args], { cwd: dir, out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out };
}

/**
 * `eventforge check ARGS` as a process in the test folder, with a hook that records whether any
 * TypeScript (or ts-morph) module was loaded.
 */
async function checkProcess(...args: string[]): Promise<{ loaded: boolean; stderr: string; code: number }> {
  const hook = join(dir, 'loaded-hook.cjs');
  const report = join(dir, 'loaded.txt');
  writeFileSync(
    hook,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, ` +
      `String(Object.keys(require.cache).some((p) => /[\\\\/]node_modules[\\\\/](ts-morph|@ts-morph|typescript)[\\\\/]/.test(p)))));\n`,
  );
  let result: { stderr: string; code: number };
  try {
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ['--require', hook, join(repo, 'bin', 'eventforge.js'), 'check', ...args],
      { cwd: dir },
    );
    result = { stderr, code: 0 };
  } catch (error) {
    result = error as { stderr: string; code: number };
  }
  return { ...result, loaded: readFileSync(report, 'utf8') === 'true' };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-check-cache-'));
  mkdirSync(join(dir, 'schemas'));
  copyFileSync(join(repo, 'schemas', 'bank.domain.yaml'), join(dir, 'schemas', 'bank.domain.yaml'));
  modulePath = join(dir, 'schemas', 'bank.upcasters.ts');
  copyFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), modulePath);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('eventforge check, run again', () => {
  it('records its result under node_modules/.cache/eventforge and gives the same on an unchanged re-run', async () => {
    const first = await check('schemas');
    expect(first.code).toBe(0);
    // Beside the record: the TypeScript compiler's code cache and lib, kept for the next process,
    // and the findings of Bank's module.
    expect(readdirSync(join(dir, 'node_modules', '.cache', 'eventforge')).sort()).toEqual([
      expect.stringMatching(/^check-[0-9a-f]{16}\.json$/),
      expect.stringMatching(/^typescript-[0-9a-f]{16}\.v8$/),
      expect.stringMatching(/^typescript-libs-[\d.]+\.json$/),
      expect.stringMatching(/^upcasters-[0-9a-f]{16}\.json$/),
    ]);
    const again = await check('schemas');
    expect(again.code).toBe(0);
    expect(again.out.at(-1)).toMatch(/^eventforge check: 1 domain, 0 errors, 0 warnings/);
  });

  it('checks a changed upcasters module or schema afresh, and a restored one passes again', async () => {
    expect((await check('schemas')).code).toBe(0);
    const module = readFileSync(modulePath, 'utf8');
    writeFileSync(
      modulePath,
      module.replace('export function depositTransactionId(', 'export function depositTransactionID('),
    );
    const broken = await check('schemas');
    expect(broken.code).toBe(1);
    expect(broken.out.join('\n')).toContain(
      'error EF330: event Account.Deposited v2→v3: upcaster "depositTransactionId"',
    );
    writeFileSync(modulePath, module);
    expect((await check('schemas')).code).toBe(0);
    const schemaPath = join(dir, 'schemas', 'bank.domain.yaml');
    writeFileSync(schemaPath, readFileSync(schemaPath, 'utf8').replace(/^domain: Bank$/m, 'domain: bank'));
    expect((await check('schemas')).code).toBe(1);
  });

  it('as a process, a cached re-run does not load the TypeScript compiler; --no-cache does', async () => {
    const loadsTypeScript = async (...args: string[]): Promise<boolean> => (await checkProcess(...args)).loaded;
    expect(await loadsTypeScript('schemas')).toBe(true);
    expect(await loadsTypeScript('schemas')).toBe(false);
    expect(await loadsTypeScript('schemas', '--no-cache')).toBe(true);
  }, 60_000);

  it('a schema edit that leaves the module and its payload types alone does not check the module again: no TypeScript, the error at its new line', async () => {
    const usingLine = (stderr: string): number =>
      Number(/^schemas\/bank\.domain\.yaml:(\d+):\d+: error EF330/m.exec(stderr)?.[1]);
    writeFileSync(
      modulePath,
      readFileSync(modulePath, 'utf8').replace(
        'export function depositTransactionId(',
        'export function depositTransactionID(',
      ),
    );
    const first = await checkProcess('schemas');
    expect(first.code).toBe(1);
    expect(first.loaded).toBe(true);
    const line = usingLine(first.stderr);
    expect(line).toBeGreaterThan(1);

    // A comment line above everything: the schema's text changed (the result cache misses), the
    // module and the payload types did not.
    const schemaPath = join(dir, 'schemas', 'bank.domain.yaml');
    writeFileSync(schemaPath, `# moved down a line\n${readFileSync(schemaPath, 'utf8')}`);
    const edited = await checkProcess('schemas');
    expect(edited.code).toBe(1);
    expect(edited.loaded).toBe(false);
    expect(usingLine(edited.stderr)).toBe(line + 1);
    // The same message and hint, only the line differs (in the position and the code frame).
    const withoutLines = (stderr: string): string => stderr.replace(/:\d+:\d+:/g, ':').replace(/^\s*\d+ \|/gm, '|');
    expect(withoutLines(edited.stderr)).toBe(withoutLines(first.stderr));

    // --no-cache checks the module itself, and says the same.
    const uncached = await checkProcess('schemas', '--no-cache');
    expect(uncached.loaded).toBe(true);
    expect(uncached.stderr).toBe(edited.stderr);

    // A change to a payload type the module is checked against is checked afresh.
    const schema = readFileSync(schemaPath, 'utf8');
    const retypedSchema = schema.replace('[requested, completed, failed]', '[requested, completed, failed, cancelled]');
    expect(retypedSchema).not.toBe(schema);
    writeFileSync(schemaPath, retypedSchema);
    const retyped = await checkProcess('schemas');
    expect(retyped.loaded).toBe(true);
    expect(usingLine(retyped.stderr)).toBe(line + 1);
  }, 60_000);
});
