/**
 * Small text helpers the TypeScript emitters share: string literals and JSDoc text.
 */

/** A TypeScript single-quoted string literal. */
export function quote(text: string): string {
  if (!/[\\'\n\r\u2028\u2029]/.test(text)) return `'${text}'`;
  return `'${text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

/** JSDoc text from a description, or none. */
export function docs(...lines: (string | undefined)[]): string[] {
  const text = lines.filter((line): line is string => line !== undefined && line !== '').join('\n');
  return text === '' ? [] : [text.replace(/\*\//g, '*\\/')];
}
