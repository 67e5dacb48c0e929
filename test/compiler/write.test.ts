/** The output writer on a real temporary folder: plan, then apply; or both as the files come (writeStreamed). */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generatedHeader } from '../../generator/emit/types.js';
import { applyPlan } from '../../cli/files/apply-plan.js';
import { isGeneratedContents, planOutput } from '../../cli/files/plan-output.js';
import { writeStreamed } from '../../cli/files/write-streamed.js';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'eventforge-write-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const header = (prefix = '//'): string => generatedHeader('schemas/a.domain.yaml', prefix);

describe('isGeneratedContents', () => {
  it('recognizes the generated header in every comment syntax, on the first line only', () => {
    expect(isGeneratedContents(`${header()}\nexport {};\n`)).toBe(true);
    expect(isGeneratedContents(`${header('--')}\nCREATE TABLE x ();\n`)).toBe(true);
    expect(isGeneratedContents(`${header('#')}\n`)).toBe(true);
    expect(isGeneratedContents(header())).toBe(true);
    expect(isGeneratedContents(`// my notes\n${header()}\n`)).toBe(false);
    expect(isGeneratedContents('export const handWritten = true;\n')).toBe(false);
    expect(isGeneratedContents('')).toBe(false);
  });
});

describe('planOutput and applyPlan', () => {
  it('creates, changes, keeps and removes exactly what differs', async () => {
    mkdirSync(join(out, 'a'));
    writeFileSync(join(out, 'a', 'same.ts'), `${header()}\nsame\n`);
    writeFileSync(join(out, 'a', 'old.ts'), `${header()}\nold\n`);
    writeFileSync(join(out, 'a', 'stale.ts'), `${header()}\nstale\n`);
    mkdirSync(join(out, 'gone', 'deep'), { recursive: true });
    writeFileSync(join(out, 'gone', 'deep', 'x.sql'), `${header('--')}\n`);
    writeFileSync(join(out, 'a', 'mine.ts'), 'hand-written\n');
    const files = [
      { path: 'a/same.ts', contents: `${header()}\nsame\n` },
      { path: 'a/old.ts', contents: `${header()}\nnew\n` },
      { path: 'b/new.ts', contents: `${header()}\nnew file\n` },
    ];
    const plan = await planOutput(out, files);
    expect(plan.created).toEqual(['b/new.ts']);
    expect(plan.changed).toEqual(['a/old.ts']);
    expect(plan.unchanged).toEqual(['a/same.ts']);
    expect(plan.stale).toEqual(['a/stale.ts', 'gone/deep/x.sql']);
    expect(plan.toWrite.map((f) => f.path)).toEqual(['a/old.ts', 'b/new.ts']);

    await applyPlan(out, plan);
    expect(readFileSync(join(out, 'a', 'old.ts'), 'utf8')).toBe(`${header()}\nnew\n`);
    expect(readFileSync(join(out, 'b', 'new.ts'), 'utf8')).toBe(`${header()}\nnew file\n`);
    expect(readFileSync(join(out, 'a', 'mine.ts'), 'utf8')).toBe('hand-written\n');
    expect(existsSync(join(out, 'a', 'stale.ts'))).toBe(false);
    expect(existsSync(join(out, 'gone'))).toBe(false);
    expect(readdirSync(join(out, 'a')).sort()).toEqual(['mine.ts', 'old.ts', 'same.ts']);

    const again = await planOutput(out, files);
    expect([again.created, again.changed, again.stale]).toEqual([[], [], []]);
  });

  it('plans everything as new when the output folder does not exist yet', async () => {
    const plan = await planOutput(join(out, 'missing'), [{ path: 'x.ts', contents: `${header()}\n` }]);
    expect(plan.created).toEqual(['x.ts']);
    expect(plan.stale).toEqual([]);
  });
});

describe('applyPlan when a write fails', () => {
  it('changes nothing: no target is replaced and no temporary file is left', async () => {
    writeFileSync(join(out, 'a.ts'), `${header()}\nold a\n`);
    // `b` is a file, so nothing can be written under b/: the second write fails.
    writeFileSync(join(out, 'b'), 'in the way\n');
    const plan = await planOutput(out, [
      { path: 'a.ts', contents: `${header()}\nnew a\n` },
      { path: 'b/c.ts', contents: `${header()}\nc\n` },
    ]);
    await expect(applyPlan(out, plan)).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect(readFileSync(join(out, 'a.ts'), 'utf8')).toBe(`${header()}\nold a\n`);
    expect(readdirSync(out).sort()).toEqual(['a.ts', 'b']);
  });
});

describe('writeStreamed (plan and apply while the files are made)', () => {
  it('creates, changes, keeps and removes exactly what differs, and reports it as planOutput would', async () => {
    mkdirSync(join(out, 'a'));
    writeFileSync(join(out, 'a', 'same.ts'), `${header()}\nsame\n`);
    writeFileSync(join(out, 'a', 'old.ts'), `${header()}\nold\n`);
    writeFileSync(join(out, 'a', 'stale.ts'), `${header()}\nstale\n`);
    writeFileSync(join(out, 'a', 'mine.ts'), 'hand-written\n');
    function* files() {
      yield { path: 'b/new.ts', contents: `${header()}\nnew file\n` };
      yield { path: 'a/same.ts', contents: `${header()}\nsame\n` };
      yield { path: 'a/old.ts', contents: `${header()}\nnew\n` };
    }
    const plan = await writeStreamed(out, files());
    expect(plan.stale).toEqual(['a/stale.ts']);
    expect([plan.created, plan.changed, plan.unchanged]).toEqual([['b/new.ts'], ['a/old.ts'], ['a/same.ts']]);
    expect(readFileSync(join(out, 'a', 'old.ts'), 'utf8')).toBe(`${header()}\nnew\n`);
    expect(readFileSync(join(out, 'b', 'new.ts'), 'utf8')).toBe(`${header()}\nnew file\n`);
    expect(readdirSync(join(out, 'a')).sort()).toEqual(['mine.ts', 'old.ts', 'same.ts']);
    const again = await writeStreamed(out, files());
    expect([again.created, again.changed, again.stale, again.unchanged.length]).toEqual([[], [], [], 3]);
  });

  it('makes an output folder that does not exist yet whole, with nothing left beside it', async () => {
    const target = join(out, 'site', 'catalog');
    function* files() {
      yield { path: 'index.html', contents: `${header('<!--')}\nindex\n` };
      yield { path: 'b/page.html', contents: `${header('<!--')}\nb\n` };
      yield { path: 'a/deep/page.html', contents: `${header('<!--')}\na\n` };
    }
    const plan = await writeStreamed(target, files());
    expect([plan.created, plan.changed, plan.unchanged, plan.stale]).toEqual([
      ['a/deep/page.html', 'b/page.html', 'index.html'],
      [],
      [],
      [],
    ]);
    expect(readFileSync(join(target, 'a', 'deep', 'page.html'), 'utf8')).toBe(`${header('<!--')}\na\n`);
    expect(readdirSync(join(out, 'site'))).toEqual(['catalog']);
    const again = await writeStreamed(target, files());
    expect([again.created, again.changed, again.unchanged.length]).toEqual([[], [], 3]);
  });

  it('leaves a new output folder absent when the files cannot all be made', async () => {
    const target = join(out, 'catalog');
    function* files() {
      yield { path: 'index.html', contents: `${header('<!--')}\nindex\n` };
      yield { path: 'n/new.html', contents: `${header('<!--')}\nnew\n` };
      throw new Error('the emitter failed');
    }
    await expect(writeStreamed(target, files())).rejects.toThrow('the emitter failed');
    expect(readdirSync(out)).toEqual([]);
  });

  it('changes nothing when the files cannot all be made: what was staged is removed', async () => {
    writeFileSync(join(out, 'a.ts'), `${header()}\nold a\n`);
    function* files() {
      yield { path: 'a.ts', contents: `${header()}\nnew a\n` };
      yield { path: 'n/new.ts', contents: `${header()}\nnew\n` };
      throw new Error('the emitter failed');
    }
    await expect(writeStreamed(out, files())).rejects.toThrow('the emitter failed');
    expect(readFileSync(join(out, 'a.ts'), 'utf8')).toBe(`${header()}\nold a\n`);
    expect(readdirSync(out).filter((name) => name !== 'n')).toEqual(['a.ts']);
    expect(existsSync(join(out, 'n')) ? readdirSync(join(out, 'n')) : []).toEqual([]);
  });
});
