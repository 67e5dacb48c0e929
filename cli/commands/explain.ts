/** `eventforge explain EF200`: prints the section of docs/errors.md that documents one code. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EXIT, usageError, type CliCommand } from '../command.js';

const errorsDoc = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

export const explainCommand: CliCommand = {
  name: 'explain',
  summary: 'print the documentation of an error code, e.g. `eventforge explain EF200`',
  usage: 'eventforge explain <code>',
  options: {},
  run: async (args, io) => {
    const code = args.positionals[0];
    if (code === undefined) return usageError(io, 'explain needs an error code, e.g. `eventforge explain EF200`');
    const text = explainCode(await readFile(errorsDoc, 'utf8'), code);
    if (text === undefined) {
      io.err(`eventforge: no error code ${code.toUpperCase()}; docs/errors.md lists them all`);
      return EXIT.failed;
    }
    io.out(text);
    return EXIT.ok;
  },
};

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
