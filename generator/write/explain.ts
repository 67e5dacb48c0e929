/** `eventforge explain EF200`: the section of docs/errors.md that documents one code. */

/** The `## EF200 …` section of the errors document, up to the next heading of the same level; undefined if absent. */
export function explainCode(errorsMarkdown: string, code: string): string | undefined {
  const wanted = code.trim().toUpperCase();
  const lines = errorsMarkdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^##+ ${wanted}\\b`).test(line));
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 2;
  let end = start + 1;
  let fenced = false;
  // A `# comment` inside a fenced yaml example is not a heading.
  while (end < lines.length && (fenced || !new RegExp(`^#{1,${level}} `).test(lines[end] ?? ''))) {
    if ((lines[end] ?? '').startsWith('```')) fenced = !fenced;
    end += 1;
  }
  return lines.slice(start, end).join('\n').trim();
}

/** Every code documented in the errors document. */
export function documentedCodes(errorsMarkdown: string): string[] {
  return [...errorsMarkdown.matchAll(/^##+ (EF\d{3})\b/gm)].map((m) => m[1] ?? '');
}
