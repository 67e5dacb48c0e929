/**
 * The code frame under a diagnostic, in the manner of rustc and tsc: the source line with a
 * line-number gutter and a `^^^` underline under the diagnostic's span.
 *
 *     |
 *   5 |       Made: { creates: true, fields: { x: strng } }
 *     |                                           ^^^^^
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Paint } from './paint.js';

/** The frame's lines; empty when the span lies outside the text (e.g. a file that changed since). */
export function codeFrame(text: string, diagnostic: Diagnostic, paint: Paint): string[] {
  const { start, end } = diagnostic.span;
  const lines = text.split('\n');
  const source = lines[start.line - 1]?.replace(/\r$/, '');
  if (source === undefined || start.column < 1 || start.column > source.length + 1) return [];
  // A span over several lines is underlined to the end of its first line.
  const last =
    end.line === start.line ? Math.max(end.column, start.column + 1) : Math.max(source.length + 1, start.column + 1);
  const width = String(start.line).length;
  const blank = paint.gutter(`${' '.repeat(width)} |`);
  // Tabs before the span stay tabs, so the underline lines up whatever the tab width.
  const pad = source.slice(0, start.column - 1).replace(/[^\t]/g, ' ');
  const underline = paint.severity(diagnostic.severity, '^'.repeat(last - start.column));
  return [blank, `${paint.gutter(`${start.line} |`)} ${source}`.trimEnd(), `${blank} ${pad}${underline}`];
}
