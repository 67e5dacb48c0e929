/**
 * Prints one generated TypeScript file, once, from declaration shapes (code-writer.ts): header,
 * imports, a blank line, the body. Output is formatted as the project writes TypeScript: two
 * spaces, single quotes, one blank line between declarations, a trailing newline.
 *
 * Why not ts-morph's printStructure (which every emitter used before): on the 100-aggregate
 * benchmark schema its structure printers allocated a fresh CodeBlockWriter for every type and
 * initializer text and scanned every character for string and comment state, which alone took
 * most of a second. The shapes are the same idea (declarative data, one small printer per kind
 * of declaration), printed by a writer that only handles lines and indentation. Not loading
 * ts-morph at all also saves `eventforge generate` the cold load of the TypeScript compiler it
 * bundles (~13 MB of JavaScript: most of a second).
 */
import { generatedHeader } from '../types.js';

/** Writes lines with the current indentation; blocks indent by two spaces. */
export class LineWriter {
  readonly #lines: string[] = [];
  #indentation = '';

  writeLine(text: string): this {
    if (!text.includes('\n')) {
      this.#lines.push(text === '' ? '' : this.#indentation + text);
      return this;
    }
    for (const line of text.split('\n')) this.#lines.push(line === '' ? '' : this.#indentation + line);
    return this;
  }

  /** Characters of indentation at the current depth. */
  get indentWidth(): number {
    return this.#indentation.length;
  }

  indent(block: () => void): this {
    const outer = this.#indentation;
    this.#indentation += '  ';
    block();
    this.#indentation = outer;
    return this;
  }

  /** A blank line, unless the last line is already blank (or nothing was written yet). */
  blankLine(): this {
    const last = this.#lines[this.#lines.length - 1];
    if (last !== undefined && last !== '') this.#lines.push('');
    return this;
  }

  toString(): string {
    let end = this.#lines.length;
    while (end > 0 && this.#lines[end - 1] === '') end--;
    return this.#lines.slice(0, end).join('\n');
  }
}

/** A top-level statement: writes itself. */
export type LineStatement = (w: LineWriter) => void;

function print(statements: readonly LineStatement[]): string {
  const w = new LineWriter();
  for (const statement of statements) statement(w);
  return w.toString();
}

/**
 * Header line, imports, a blank line, then the body. Callers whose body writers collect the
 * imports they need pass `imports` as a function, called after the body is printed.
 */
export function printLines(
  sourcePath: string,
  imports: readonly LineStatement[] | (() => readonly LineStatement[]),
  body: readonly LineStatement[] = [],
): string {
  const bodyText = print(body);
  const importText = print(typeof imports === 'function' ? imports() : imports);
  const parts = [importText, bodyText].filter((p) => p !== '');
  return `${generatedHeader(sourcePath)}\n${parts.join('\n\n')}\n`;
}

/**
 * An import of the given names, sorted, one per line when the list is long; undefined when
 * there are none (so callers can filter).
 */
export function importLines(moduleSpecifier: string, names: Iterable<string>, typeOnly = false): LineStatement | undefined {
  return nameList(typeOnly ? 'import type' : 'import', moduleSpecifier, names);
}

/** `<head> { a, b } from 'module';` with the names sorted, one per line when the list is long. */
export function nameList(head: string, moduleSpecifier: string, names: Iterable<string>): LineStatement | undefined {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return undefined;
  return (w) => {
    const inline = `${head} { ${sorted.join(', ')} } from '${moduleSpecifier}';`;
    if (inline.length <= 120) {
      w.writeLine(inline);
      return;
    }
    w.writeLine(`${head} {`);
    w.indent(() => sorted.forEach((n) => w.writeLine(`${n},`)));
    w.writeLine(`} from '${moduleSpecifier}';`);
  };
}
