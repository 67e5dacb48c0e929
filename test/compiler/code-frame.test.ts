/** renderDiagnostic: the first line, the code frame under it and the hint, for spans of every shape. */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { colored, plain } from '../../generator/report/paint.js';
import { renderDiagnostic } from '../../generator/report/render.js';

function at(text: string, line: number, column: number, endLine = line, endColumn = column): Diagnostic {
  const offset = (l: number, c: number): number =>
    text
      .split('\n')
      .slice(0, l - 1)
      .reduce((n, s) => n + s.length + 1, 0) +
    c -
    1;
  return {
    code: 'EF200',
    severity: 'error',
    message: 'something is wrong',
    file: 'a.domain.yaml',
    span: {
      start: { line, column, offset: offset(line, column) },
      end: { line: endLine, column: endColumn, offset: offset(endLine, endColumn) },
    },
    hint: 'fix it',
  };
}

describe('renderDiagnostic', () => {
  it('underlines the span under its columns, with the line number in the gutter', () => {
    const text = 'domain: Shop\nfields: { x: strng }\n';
    expect(renderDiagnostic(at(text, 2, 14, 2, 19), text, plain).split('\n')).toEqual([
      'a.domain.yaml:2:14: error EF200: something is wrong',
      '  |',
      '2 | fields: { x: strng }',
      '  |              ^^^^^',
      '  hint: fix it',
    ]);
  });

  it('widens the gutter to the line number and marks an empty span with one caret', () => {
    const text = `${'\n'.repeat(99)}  key:\n`;
    expect(
      renderDiagnostic(at(text, 100, 3), text, plain)
        .split('\n')
        .slice(1, 4),
    ).toEqual(['    |', '100 |   key:', '    |   ^']);
  });

  it('keeps tabs before the span so the underline lines up in any tab width', () => {
    const text = '\tkey: value\n';
    expect(renderDiagnostic(at(text, 1, 7, 1, 12), text, plain).split('\n')[3]).toBe('  | \t     ^^^^^');
  });

  it('underlines a span over several lines to the end of its first line', () => {
    const text = 'a:\n  b: { c: 1,\n    d: 2 }\n';
    expect(
      renderDiagnostic(at(text, 2, 6, 3, 11), text, plain)
        .split('\n')
        .slice(2, 4),
    ).toEqual(['2 |   b: { c: 1,', '  |      ^^^^^^^']);
  });

  it('ignores the carriage return of CRLF files', () => {
    const text = 'domain: Shop\r\nx: y\r\n';
    expect(renderDiagnostic(at(text, 2, 4, 2, 5), text, plain).split('\n')[2]).toBe('2 | x: y');
  });

  it('prints no frame when the text is not at hand or the span lies outside it', () => {
    const text = 'domain: Shop\n';
    expect(renderDiagnostic(at(text, 1, 1), undefined, plain)).toBe(
      'a.domain.yaml:1:1: error EF200: something is wrong\n  hint: fix it',
    );
    expect(renderDiagnostic(at('a\nb\nc\n', 3, 1), text, plain)).toBe(
      'a.domain.yaml:3:1: error EF200: something is wrong\n  hint: fix it',
    );
  });

  it('colours without changing the text', () => {
    const text = 'domain: Shop\nfields: { x: strng }\n';
    const d = at(text, 2, 14, 2, 19);
    const painted = renderDiagnostic(d, text, colored);
    expect(painted).not.toBe(renderDiagnostic(d, text, plain));
    expect(painted.replace(/\u001b\[[\d;]*m/g, '')).toBe(renderDiagnostic(d, text, plain));
    expect(renderDiagnostic({ ...d, severity: 'warning' }, text, colored)).toContain(
      '\u001b[1;33mwarning EF200\u001b[0m',
    );
  });
});
