/**
 * A diagnostic as the terminal shows it: the stable first line `file:line:col: error CODE:
 * message` (tools and docs parse it), then the code frame, then the hint.
 */
import type { Diagnostic } from '../diagnostics.js';
import { codeFrame } from './code-frame.js';
import type { Paint } from './paint.js';

/** `text` is the schema file's content, or undefined when it is not at hand (no frame then). */
export function renderDiagnostic(d: Diagnostic, text: string | undefined, paint: Paint): string {
  const head = `${paint.location(`${d.file}:${d.span.start.line}:${d.span.start.column}:`)} ${paint.severity(d.severity, `${d.severity} ${d.code}`)}: ${d.message}`;
  const frame = text === undefined ? [] : codeFrame(text, d, paint);
  const hint = d.hint === undefined ? [] : [`  ${paint.hint('hint:')} ${d.hint}`];
  return [head, ...frame, ...hint].join('\n');
}
