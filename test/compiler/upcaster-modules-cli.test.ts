/**
 * The upcasters module check through the CLI: `main()` on real temporary folders (check and
 * generate, the build cache), and bin/eventforge.js as a real process, watched by a module-load
 * hook: the TypeScript compiler is loaded for a schema that names an upcasters module, and only
 * then; its code cache never changes what the check says.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const repo = join(import.meta.dirname, '..', '..');
const corpus = join(repo, 'test', 'fixtures', 'invalid');
let dir: string;

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd: dir, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-upcasters-'));
  mkdirSync(join(dir, 'schemas'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('eventforge check and generate with an upcasters module', () => {
  const cases = readdirSync(corpus)
    .filter((name) => /^ef33\d-/.test(name))
    .sort();

  it('has the corpus cases of EF330 and EF331', () => {
    expect(cases.filter((c) => c.startsWith('ef330-')).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.startsWith('ef331-')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(cases)('check reports %s as the compiler does, at the schema line', async (name) => {
    // The schema names its module in quotes here (the corpus does not): the CLI finds it either way.
    const schema = readFileSync(join(corpus, name, 'input.domain.yaml'), 'utf8').replace(
      /^upcasters: (\S+)$/m,
      'upcasters: "$1"',
    );
    writeFileSync(join(dir, 'schemas', 'shop.domain.yaml'), schema);
    for (const file of readdirSync(join(corpus, name)).filter((f) => /\.(ts|js)$/.test(f)))
      copyFileSync(join(corpus, name, file), join(dir, 'schemas', file));
    const expected = readFileSync(join(corpus, name, 'expected.txt'), 'utf8')
      .replaceAll(`${name}.domain.yaml`, 'schemas/shop.domain.yaml')
      .replace(/(?<![./])shop\.upcasters\./g, 'schemas/shop.upcasters.');
    const result = await run(['check']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n') + '\n').toBe(expected);
    expect(result.out.at(-1)).toMatch(/^eventforge check: 1 domain, 1 error, 0 warnings/);
  });

  it('generate refuses a broken module even when the schemas are unchanged (the build cache keys on the module)', async () => {
    copyFileSync(join(repo, 'schemas', 'bank.domain.yaml'), join(dir, 'schemas', 'bank.domain.yaml'));
    const module = readFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), 'utf8');
    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), module);
    const first = await run(['generate']);
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);

    const broken = module.replace('export function depositTransactionId(', 'export function depositTransactionID(');
    expect(broken).not.toBe(module);
    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), broken);
    const second = await run(['generate']);
    expect(second.code).toBe(1);
    expect(second.err.join('\n')).toMatch(
      /^schemas\/bank\.domain\.yaml:\d+:\d+: error EF330: event Account\.Deposited v2→v3: upcaster "depositTransactionId" is not exported by schemas\/bank\.upcasters\.ts\n {2}hint: did you mean "depositTransactionID"\?/,
    );
    expect(second.out.at(-1)).toMatch(/; nothing written/);

    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), module);
    const third = await run(['generate', '--check']);
    expect(third.code).toBe(0);
    expect(third.out.at(-1)).toMatch(/is up to date, \d+ files unchanged \(cached/);
  });
});

describe('generate --watch with an upcasters module', () => {
  it('re-checks when the module is saved: a broken function is reported, the fix regenerates', async () => {
    copyFileSync(join(repo, 'schemas', 'bank.domain.yaml'), join(dir, 'schemas', 'bank.domain.yaml'));
    const modulePath = join(dir, 'schemas', 'bank.upcasters.ts');
    const module = readFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), 'utf8');
    writeFileSync(modulePath, module);
    const controller = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const watching = main(['generate', '--watch'], {
      cwd: dir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      signal: controller.signal,
    });
    // Generous: the first run loads ts-morph and every emitter on a shared machine.
    const waitFor = async (predicate: () => boolean): Promise<void> => {
      for (let i = 0; i < 600 && !predicate(); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(predicate(), [...out, ...err].join('\n')).toBe(true);
    };
    const summaries = (): string[] => out.filter((l) => l.startsWith('eventforge generate:'));
    await waitFor(() => out.some((l) => l.startsWith('eventforge: watching')));
    expect(summaries().at(-1)).toMatch(/ files written/);

    writeFileSync(
      modulePath,
      module.replace('export function depositTransactionId(', 'export function depositTransactionID('),
    );
    await waitFor(() => summaries().some((l) => /1 error, 0 warnings; nothing written/.test(l)));
    expect(err.join('\n')).toContain(
      'error EF330: event Account.Deposited v2→v3: upcaster "depositTransactionId" is not exported by schemas/bank.upcasters.ts',
    );
    writeFileSync(modulePath, module);
    await waitFor(() => summaries().length >= 3);
    expect(summaries().at(-1)).toMatch(/^eventforge generate: 1 domain, 0 files written/);
    controller.abort();
    expect(await watching).toBe(0);
  });
});

describe('bin/eventforge.js check loads TypeScript only for a schema that names an upcasters module', () => {
  /** Runs the CLI as a process with a hook that lists, at exit, every ts-morph or TypeScript module loaded. */
  async function checkProcess(
    schema: string,
  ): Promise<{ code: number; stdout: string; stderr: string; loaded: string[] }> {
    const hook = join(dir, 'loaded-hook.cjs');
    const report = join(dir, 'loaded.txt');
    writeFileSync(
      hook,
      `const { writeFileSync } = require('node:fs');\nprocess.on('exit', () => {\n  const loaded = Object.keys(require.cache).filter((p) => /[\\\\/]node_modules[\\\\/](ts-morph|@ts-morph|typescript)[\\\\/]/.test(p));\n  writeFileSync(${JSON.stringify(report)}, loaded.join('\\n'));\n});\n`,
    );
    let result: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--require', hook, join(repo, 'bin', 'eventforge.js'), 'check', schema, '--no-cache'],
        { cwd: repo },
      );
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
    expect(existsSync(report), 'the hook ran').toBe(true);
    return {
      ...result,
      loaded: readFileSync(report, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    };
  }

  it('a schema without upcasters: checked without loading ts-morph or TypeScript', async () => {
    expect(readFileSync(join(repo, 'schemas', 'dog-school.domain.yaml'), 'utf8')).not.toMatch(/upcasters:/);
    const result = await checkProcess('schemas/dog-school.domain.yaml');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.loaded).toEqual([]);
  });

  it('the Bank example, which names schemas/bank.upcasters.ts: TypeScript (not ts-morph) is loaded and the module passes', async () => {
    const result = await checkProcess('schemas/bank.domain.yaml');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^eventforge check: 1 domain, 0 errors, 0 warnings/);
    expect(result.loaded.some((p) => /[\\/]@ts-morph[\\/]common[\\/]dist[\\/]typescript\.js$/.test(p))).toBe(true);
    expect(result.loaded.filter((p) => /[\\/]node_modules[\\/]ts-morph[\\/]/.test(p))).toEqual([]);
  });

  it('a damaged code cache changes nothing: the check still refuses a wrong signature, and the cache is made anew', async () => {
    mkdirSync(join(dir, 'schemas'), { recursive: true });
    copyFileSync(join(repo, 'schemas', 'bank.domain.yaml'), join(dir, 'schemas', 'bank.domain.yaml'));
    const module = readFileSync(join(repo, 'schemas', 'bank.upcasters.ts'), 'utf8');
    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), module);
    const checkInDir = async (): Promise<{ code: number; stdout: string; stderr: string }> => {
      try {
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          [join(repo, 'bin', 'eventforge.js'), 'check', 'schemas', '--no-cache'],
          { cwd: dir },
        );
        return { code: 0, stdout, stderr };
      } catch (error) {
        return error as { code: number; stdout: string; stderr: string };
      }
    };
    expect((await checkInDir()).code).toBe(0);
    const cacheDir = join(dir, 'node_modules', '.cache', 'eventforge');
    const codeCache = readdirSync(cacheDir).find((name) => name.endsWith('.v8'));
    expect(codeCache).toBeDefined();
    const cacheFile = join(cacheDir, codeCache ?? '');
    writeFileSync(cacheFile, Buffer.alloc(4096, 7));

    const wrongReturn = module.replace(
      'export function depositTransactionId(previous: DepositedV2Content): string {',
      'export function depositTransactionId(previous: DepositedV2Content): number {\n  return previous.reference.length;',
    );
    expect(wrongReturn).not.toBe(module);
    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), wrongReturn);
    const refused = await checkInDir();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^schemas\/bank\.domain\.yaml:\d+:\d+: error EF330: event Account\.Deposited v2→v3: upcaster "depositTransactionId" \(schemas\/bank\.upcasters\.ts:\d+\) returns a value that does not fit DepositedV3\['transactionId'\]/m,
    );
    // V8 refused the damaged data; the run compiled afresh and kept the new code for the next one.
    expect(readFileSync(cacheFile).equals(Buffer.alloc(4096, 7))).toBe(false);
    writeFileSync(join(dir, 'schemas', 'bank.upcasters.ts'), module);
    expect((await checkInDir()).code).toBe(0);
  }, 60_000);
});
