/**
 * Terminal colour for diagnostics: ANSI escapes when the stream is a terminal, plain text
 * when it is piped or NO_COLOR is set; FORCE_COLOR overrides both (FORCE_COLOR=0 turns colour
 * off), as Node and most command-line tools read these variables.
 */

export interface Paint {
  /** The position, `file:line:col`. */
  location(text: string): string;
  /** `error EF200` or `warning EF311`, and the underline of the span. */
  severity(severity: 'error' | 'warning', text: string): string;
  /** Line numbers and the `|` gutter. */
  gutter(text: string): string;
  /** The `hint:` label. */
  hint(text: string): string;
}

const ansi =
  (open: string) =>
  (text: string): string =>
    text === '' ? text : `\u001b[${open}m${text}\u001b[0m`;
const bold = ansi('1');
const boldRed = ansi('1;31');
const boldYellow = ansi('1;33');
const boldBlue = ansi('1;34');
const boldCyan = ansi('1;36');

export const plain: Paint = {
  location: (text) => text,
  severity: (_, text) => text,
  gutter: (text) => text,
  hint: (text) => text,
};

export const colored: Paint = {
  location: bold,
  severity: (severity, text) => (severity === 'error' ? boldRed : boldYellow)(text),
  gutter: boldBlue,
  hint: boldCyan,
};

/** Whether to colour output written to a stream, by the environment and whether the stream is a terminal. */
export function wantsColor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}
