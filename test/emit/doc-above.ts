import { expect } from 'vitest';

/** The JSDoc block right above the first line matching `declaration`, as one line of prose without comment markers. */
export function docAbove(contents: string, declaration: RegExp): string {
  const lines = contents.split('\n');
  const at = lines.findIndex((l) => declaration.test(l));
  expect(at, `no line matches ${declaration}`).toBeGreaterThan(0);
  const doc: string[] = [];
  for (let i = at - 1; i >= 0; i -= 1) {
    const line = (lines[i] ?? '').trim();
    if (!/^(\/\*\*|\*)/.test(line)) break;
    doc.unshift(line.replace(/^\/\*\*\s?|^\*\/|^\*\s?|\s?\*\/$/g, '').trim());
    if (line.startsWith('/**')) break;
  }
  return doc.filter((l) => l !== '').join(' ');
}
