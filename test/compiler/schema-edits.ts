/** Random edits of schema text, for the robustness test: lines deleted, duplicated, re-indented, words swapped. */
import fc from 'fast-check';

const WORDS = [
  'string',
  'int',
  'decimal',
  'Trick',
  'Money',
  'Currency',
  'map<int>',
  'string[]',
  'int?',
  'fields',
  'history',
  'version',
  'upcast',
  'apply',
  'creates',
  'discards',
  'push',
  'increment',
  'set',
  'custom',
  'none',
  'true',
  '3',
  '0',
  '-1',
  '"x"',
  'default',
  'min',
  'max',
  'minLength',
  'state',
  'events',
  'types',
  'enum',
  '{',
  '}',
  '[',
  ']',
  ':',
  '?',
  '&a',
  '*a',
  '',
];

export type Edit =
  | { kind: 'delete'; line: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'word'; line: number; word: number; replacement: string };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat(200) }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(200) }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(200), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({
    kind: fc.constant('word' as const),
    line: fc.nat(200),
    word: fc.nat(8),
    replacement: fc.constantFrom(...WORDS),
  }),
);

export function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const i = e.line % lines.length;
  const line = lines[i] ?? '';
  switch (e.kind) {
    case 'delete':
      lines.splice(i, 1);
      break;
    case 'duplicate':
      lines.splice(i, 0, line);
      break;
    case 'indent':
      lines[i] = e.by >= 0 ? ' '.repeat(e.by) + line : line.replace(new RegExp(`^ {0,${-e.by}}`), '');
      break;
    case 'word': {
      const words = line.split(/(\s+|[{}:,[\]])/);
      const positions = words.map((w, index) => (/^[\w<>?"-]+$/.test(w) ? index : -1)).filter((index) => index >= 0);
      const at = positions[e.word % Math.max(1, positions.length)];
      if (at !== undefined) words[at] = e.replacement;
      lines[i] = words.join('');
      break;
    }
  }
  return lines.join('\n');
}
