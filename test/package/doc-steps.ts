/**
 * A how-to page as steps a test runs: every fenced block of the markdown is one of
 * - ```sh: commands, run one line at a time (`cd` and `export` change the next lines' folder and
 *   environment), each must exit 0;
 * - ```text right after a ```sh block: what the block's commands print (stdout and stderr as a
 *   terminal shows them), compared after `normalizeOutput`;
 * - ```<lang> file=PATH: the whole contents of PATH in the project.
 * Any other block is refused, so no block of the page goes unexecuted.
 */

export type DocStep =
  | { readonly kind: 'commands'; readonly line: number; readonly commands: readonly string[]; readonly output?: Output }
  | { readonly kind: 'file'; readonly line: number; readonly path: string; readonly contents: string };

/** An output block: its text and where it sits in the page (to rewrite it). */
export interface Output {
  readonly line: number;
  readonly text: string;
}

interface Fence {
  readonly info: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly body: string;
  /** Only blank lines between the previous fence's end and this one. */
  readonly adjacent: boolean;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  let lastEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end === lines.length) throw new Error(`line ${start + 1}: the block is never closed`);
    const between = lines.slice(lastEnd + 1, start);
    found.push({
      info: open[1]!.trim(),
      line: start + 1,
      body: lines.slice(start + 1, end).join('\n'),
      adjacent: lastEnd >= 0 && between.every((l) => l.trim() === ''),
    });
    lastEnd = end;
    i = end;
  }
  return found;
}

/** The page's steps, in order; throws at a block that is neither commands, their output, nor a file. */
export function docSteps(markdown: string): DocStep[] {
  const steps: DocStep[] = [];
  for (const fence of fences(markdown)) {
    const file = /^\w+\s+file=(\S+)$/.exec(fence.info);
    if (fence.info === 'sh') {
      const commands = fence.body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      steps.push({ kind: 'commands', line: fence.line, commands });
    } else if (fence.info === 'text') {
      const previous = steps.at(-1);
      if (previous?.kind !== 'commands' || previous.output !== undefined || !fence.adjacent)
        throw new Error(`line ${fence.line}: an output block must follow a sh block directly`);
      steps[steps.length - 1] = { ...previous, output: { line: fence.line, text: fence.body } };
    } else if (file !== null) {
      steps.push({ kind: 'file', line: fence.line, path: file[1]!, contents: `${fence.body}\n` });
    } else {
      throw new Error(`line ${fence.line}: a block the test cannot run (\`\`\`${fence.info}); use sh, text, or file=`);
    }
  }
  return steps;
}

/** Output as it may differ between runs made equal: durations, and the folder the project is in. */
export function normalizeOutput(text: string, folder: string): string {
  return text
    .replaceAll(folder, '…')
    .replace(/\d+(\.\d+)? m?s\)/g, 'N ms)')
    .replace(/ in \d+(\.\d+)?m?s$/gm, ' in Ns')
    .replace(/\s+$/, '');
}

/** The page with the output block at `line` replaced by `text` (for rewriting the shown outputs). */
export function withOutput(markdown: string, line: number, text: string): string {
  const lines = markdown.split('\n');
  let end = line;
  while (lines[end] !== '```') end++;
  return [...lines.slice(0, line), ...text.split('\n'), ...lines.slice(end)].join('\n');
}
