/** The tutorial test's reading of a page: no block escapes being run or compared. */
import { describe, expect, it } from 'vitest';
import { docSteps, normalizeOutput, withOutput } from './doc-steps.js';

const fence = '```';

describe('docSteps', () => {
  it('reads commands with their output, and whole files', () => {
    const page = [
      'Run:',
      `${fence}sh`,
      'cd app',
      '# a comment',
      'npm start',
      fence,
      '',
      `${fence}text`,
      'hello',
      fence,
      `${fence}ts file=src/main.ts`,
      "console.log('hello');",
      fence,
    ].join('\n');
    expect(docSteps(page)).toEqual([
      { kind: 'commands', line: 2, commands: ['cd app', 'npm start'], output: { line: 8, text: 'hello' } },
      { kind: 'file', line: 11, path: 'src/main.ts', contents: "console.log('hello');\n" },
    ]);
  });

  it('refuses a block it cannot run, an output not right after commands, and an unclosed block', () => {
    expect(() => docSteps(`${fence}ts\nlet a = 1;\n${fence}`)).toThrow(/line 1: a block the test cannot run/);
    expect(() => docSteps(`${fence}sh\nls\n${fence}\nSo:\n${fence}text\nx\n${fence}`)).toThrow(
      /line 5: an output block must follow a sh block directly/,
    );
    expect(() => docSteps(`${fence}sh\nls\n`)).toThrow(/line 1: the block is never closed/);
  });

  it('makes durations and the folder equal, nothing else', () => {
    expect(normalizeOutput('done (412 ms)\nadded 3 packages in 2s\nat /tmp/x/app\n', '/tmp/x')).toBe(
      'done (N ms)\nadded 3 packages in Ns\nat …/app',
    );
    expect(normalizeOutput('3 items', '/tmp/x')).not.toBe(normalizeOutput('2 items', '/tmp/x'));
  });

  it('rewrites one output block in place', () => {
    const page = `a\n${fence}text\nold\nlines\n${fence}\nb`;
    expect(withOutput(page, 2, 'new')).toBe(`a\n${fence}text\nnew\n${fence}\nb`);
  });
});
