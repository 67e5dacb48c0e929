/**
 * The fast YAML reader (generator/load/fast-yaml.ts) against yaml's parseDocument: on every YAML
 * file of the repository, on the synthetic schema, on hand-written tricky scalars and on
 * thousands of mutated schemas, it either declines (yaml then parses, as before) or returns the
 * document yaml builds without any error or warning: same nodes, values, styles and ranges.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSchema } from '../../bench/synthetic-schema.js';
import { compareWithYaml } from './fast-yaml-compare.js';

const repo = join(import.meta.dirname, '..', '..');
const yamlFiles = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: repo, encoding: 'utf8' })
  .trim()
  .split('\n')
  .filter((f) => f !== '');

describe('the fast YAML reader', () => {
  it('reads every YAML file of the repository as yaml does, or leaves it to yaml', () => {
    expect(yamlFiles.length).toBeGreaterThan(100);
    const fast: string[] = [];
    for (const file of yamlFiles) {
      const result = compareWithYaml(readFileSync(join(repo, file), 'utf8'));
      expect({ file, result }).toEqual({ file, result: result === 'fallback' ? 'fallback' : [] });
      if (result !== 'fallback') fast.push(file);
    }
    // The schemas people write are read by the fast reader (that is the point of it).
    const schemas = yamlFiles.filter((f) => f.startsWith('schemas/'));
    expect(schemas.length).toBeGreaterThan(4);
    expect(schemas.filter((f) => !fast.includes(f))).toEqual([]);
    expect(fast.length).toBeGreaterThan(yamlFiles.length * 0.8);
  });

  it('reads the synthetic schema as yaml does', () => {
    for (const views of [false, true])
      expect(compareWithYaml(syntheticSchema({ aggregates: 12, events: 5, versions: 3, views }))).toEqual([]);
  });

  const scalars = [
    ...['~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE'],
    ...['yes', 'no', 'on', 'off', 'y', 'n', 'nil', 'none', 'n/a', 'tru'],
    ...['0', '-0', '+0', '+1', '-1', '007', '0o17', '0o8', '0x1F', '0xg', '0b101', '1_000', '12345678901234567890'],
    ...['1.5', '.5', '5.', '-.5', '+.5', '1e3', '1E-3', '+1.5e+3', '1.e3', '.e3', '0.10000000000000001', '1.0'],
    ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '.Nan', 'inf', 'NaN', '-.inf.'],
    ...['"\\u00e9\\x41\\n\\t\\\\ \\"\\/\\0\\_\\N\\L\\P\\e\\a\\b\\f\\v\\r"', '"\\U0001F600"', '"a  b "', '" "'],
    ...["'it''s'", "''", '""', '\'a "b"\'', '"#not a comment"', "'# neither'", '"\\q"', '"\\x4"', '"\\UFFFFFFFF"'],
    ...['a #comment', 'a#b', 'a: b', 'http://x.y/z?a=b#c', 'a:b', 'a :b', '- x', '-x', '--x', 'Trick[]', 'Trick[]?'],
    ...['a, b', 'a]', 'x}', '[a, b]', '{a: 1}', '[a, b,]', '[ ]', '{}', '{ a: [x, y], b: { c: d } }', '[a: b]'],
    ...[
      '{ a }',
      '{ a: }',
      '{ a: 1, a: 2 }',
      '{ "a": 1 }',
      '{ "a":1 }',
      '{ a:1 }',
      '[[a], [b, [c]]]',
      '[ "x" , \'y\' ]',
    ],
    ...['&anchor x', '*alias', '!tag x', '!!str 1', '? x', '%x', '@x', '`x', '|', '>', '|-', '>+', '|2', 'é', '日本'],
    ...['a  b   c', 'trailing   ', 'x # c # d', '"q" # c', "'q'#c", '"q"x'],
  ];

  it('resolves scalars as the core schema does, or leaves them to yaml', () => {
    let read = 0;
    for (const scalar of scalars) {
      for (const text of [
        `a: ${scalar}\n`,
        `a: ${scalar}`,
        `k:\n  - ${scalar}\n  - z\n`,
        `k: [${scalar}]\n`,
        `k: { v: ${scalar} }\n`,
      ]) {
        const result = compareWithYaml(text);
        expect({ text, result }).toEqual({ text, result: result === 'fallback' ? 'fallback' : [] });
        if (result !== 'fallback') read++;
      }
    }
    // Declining is always allowed, so the comparisons alone would pass a reader that read nothing:
    // as many as it reads today (of 600) must stay read.
    expect(read).toBeGreaterThanOrEqual(456);
  });

  const documents = [
    'a: first\n  second\n\n  third\nb: x\n',
    'a: first\n  second # c\nb: x\n',
    'a: first # c\n  second\nb: x\n',
    'a: first\n\n  second\nb: x\n',
    'a:\n  b: first\n   second\n  c: x\n',
    'a: >-\n  folded\n  text\n\n  para\n    more\n  back\nb: 1\n',
    'a: |\n  literal\n    indented\n\n  end\nb: |-\n  x\n',
    'a: >\n  x\n\n\nb: 1\n',
    'a: >\n    x\n  y\nb: 1\n',
    'a: |\n  x\n   \nb: 1\n',
    'a: |\n\n  x\nb: 1\n',
    'a: >-\n  x',
    'a: >- # c\n  x\n',
    'k:\n- a\n- b\nc: d\n',
    'k:\n  - a: 1\n    b: 2\n  - c: 3\n',
    'k:\n  - a: 1\n     b: 2\n',
    'k:\n  - - a\n',
    'k:\n  -\n    a: 1\n',
    'k:\n  - a\n  b: 1\n',
    'a: {\n    b: 1,\n    c: [x,\n      y]\n  }\nd: e\n',
    'a: {\n  b: 1\n}\n',
    'a: {\n    b: 1,\n    c: 2\n  }\n',
    'a: [x,\n y]\n',
    'a: [x, # c\n  y]\n',
    'a: [x]  # c\nb: { c: d }#e\n',
    'a:\n  b: 1\n  # trailing comment at the map\nc: 2\n',
    'a:\n  b: 1\n    # more indented comment\nc: 2\n',
    'a:\n  b: 1\n# comment\n  c: 2\n',
    'a:\n  b:\n    c: 1\n  # c\n  d: 2\n',
    '# leading\n\n# lines\na: 1\n\n# trailing\n',
    'a: 1\n---\nb: 2\n',
    'a: 1\n...\n',
    '---\na: 1\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: 1\n  b: 2\n',
    'a: 1\nb:\n',
    'a:\nb: 1\n',
    ' a: 1\n b: 2\n',
    'a: 1\n b: 2\n',
    'a: 1\na: 2\n',
    '1: x\n"1": y\n',
    '.nan: 1\n.NaN: 2\n',
    'null: 1\n"null": 2\n',
    '1: a\n1.0: b\n',
    'k: { 1: a, "1": b }\n',
    'true: x\nnull: y\n~: z\n',
    '"quoted key": x\n\'single\': y\n',
    '"k":x\n',
    'a b: c\n',
    'a : b\n',
    'a:  b\n',
    'a:\tb\n',
    'a: b\r\nc: d\r\n',
    '\ufeffa: b\n',
    'a: b\n\n\n',
    'x',
    '',
    '- a\n- b\n',
    '[a, b]\n',
    'a: !!binary x\n',
    'a: &x 1\nb: *x\n',
    '? a\n: b\n',
    `a: ${'x'.repeat(2000)}\n${'k'.repeat(1100)}: v\n`,
    '__proto__: 1\nconstructor: 2\n',
    `a: ${'['.repeat(20000)}x${']'.repeat(20000)}\n`,
    'a:   \n  b: 1\n',
    'a:# c\n',
    'a: # c\nb: 1\n',
    'a:  # c\n  # d\n  b: 1\n',
    'a: # c\n# d\n  b: 1\n',
    'a: x # c\n  # d\nb: 1\n',
    'a:\n  - b # c\n  - "d" # e\n',
    'a: |-\n  x\n# c\nb: 1\n',
    'a: |\n  # not a comment\n  x\nb: 1\n',
    'a: [x]\n\n\n# end',
    'a:\n  b:\n  - c\n  d: 1\n',
    'a:\n  b: 1\n# t\n',
    'a:\n  b: 1\n  # t\n',
    'a:\n  b: 1\n  # t',
    'a:\n  - x\n# t\nb: 1\n',
  ];

  it('reads structure as yaml does, or leaves it to yaml', () => {
    let read = 0;
    for (const text of documents) {
      const result = compareWithYaml(text);
      expect({ text, result }).toEqual({ text, result: result === 'fallback' ? 'fallback' : [] });
      if (result !== 'fallback') read++;
    }
    expect(read).toBeGreaterThanOrEqual(31); // read today, of 80; see the scalars' test
  });

  it('reads what schemas are written with itself', () => {
    for (const text of [
      'a: first\n  second\n\n  third\nb: x\n',
      'a: >-\n  folded\n  text\nb: 1\n',
      'k:\n  - a: 1\n    b: 2\n',
      'a: { b: 1, c: [x, "y"] }  # c\n',
      'a: {\n    b: 1,\n    c: 2 }\n',
      '1: x\n"1": y\n',
      "a: 'it''s'\nb: \"\\u00e9\"\n",
      'a: .inf\nb: 0x1F\nc: 1e3\nd: ~\n',
      'a: -5\nb: [-1, -.5]\nc: { min: -10 }\nd:\n  - -2\n',
      'x:\n  a: # c\n    b: 1\n  c: 2\n',
      'a: # c\n  - x\n',
    ])
      expect({ text, result: compareWithYaml(text) }).toEqual({ text, result: [] });
  });

  it('reads mutated schemas as yaml does, or leaves them to yaml', () => {
    // Deterministic edits of real schemas: a character deleted, inserted or replaced (YAML's
    // indicators mostly), a line duplicated, re-indented or joined with the next.
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = [
      ' ',
      ' ',
      '\n',
      ':',
      '#',
      '-',
      "'",
      '"',
      '{',
      '}',
      '[',
      ']',
      ',',
      '|',
      '>',
      '&',
      '*',
      '!',
      '?',
      'x',
      '1',
      '.',
      '\\',
      '~',
    ];
    const bases = yamlFiles
      .filter((f) => f.startsWith('schemas/') || f.includes('fixtures/versioning/'))
      .map((f) => readFileSync(join(repo, f), 'utf8'));
    let fast = 0;
    for (let round = 0; round < 1500; round++) {
      const base = bases[random(bases.length)] as string;
      let text = base;
      for (let edits = 1 + random(2); edits > 0; edits--) {
        const at = random(text.length);
        const lines = text.split('\n');
        const line = random(lines.length);
        switch (random(7)) {
          case 0:
            text = text.slice(0, at) + text.slice(at + 1);
            break;
          case 1:
            text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at);
            break;
          case 2:
            text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at + 1);
            break;
          case 3:
            lines.splice(line, 0, lines[line] ?? '');
            text = lines.join('\n');
            break;
          case 4:
            lines[line] = ' '.repeat(random(3)) + (lines[line] ?? '');
            text = lines.join('\n');
            break;
          case 5:
            lines[line] = (lines[line] ?? '').replace(/^ {1,2}/, '');
            text = lines.join('\n');
            break;
          default:
            lines.splice(line, 2, `${lines[line] ?? ''} ${(lines[line + 1] ?? '').trimStart()}`);
            text = lines.join('\n');
        }
      }
      const result = compareWithYaml(text);
      if (result !== 'fallback') fast++;
      if (result !== 'fallback' && result.length > 0) expect({ text, result }).toEqual({ text, result: [] });
    }
    // Most edits still leave valid YAML, which the fast reader must then have read itself.
    expect(fast).toBeGreaterThan(250);
  });
});
