/**
 * The one writer every generated TypeScript file is printed through, with the print options
 * (line width, JSDoc width). Its methods carry the names of ts-morph's CodeBlockWriter
 * (`write`, `writeLine`, `newLine`, `blankLine`, `indent`), so writer functions in structures
 * (structures.ts) move to ts-morph's printer unchanged.
 *
 * Why not ts-morph's printer today: on the 100-aggregate benchmark schema its structure printers
 * allocated a fresh CodeBlockWriter for every type and initializer text and scanned every
 * character for string and comment state, which alone took most of a second; not loading
 * ts-morph also spares `eventforge generate` the cold load of the TypeScript compiler it bundles.
 */

export interface PrintOptions {
  /** Signatures, name lists and unions longer than this wrap, one item a line. @default 120 */
  readonly lineWidth: number;
  /** JSDoc prose wraps at this many characters (indentation and ` * ` not counted). @default 100 */
  readonly jsDocWidth: number;
}

export const DEFAULT_PRINT_OPTIONS: PrintOptions = { lineWidth: 120, jsDocWidth: 100 };

/** Writes lines with the current indentation; blocks indent by two spaces. */
export class CodeWriter {
  readonly options: PrintOptions;
  readonly #lines: string[] = [];
  /** The line being written, without its line break; undefined between lines. */
  #current: string | undefined;
  #indentation = '';

  constructor(options: PrintOptions = DEFAULT_PRINT_OPTIONS) {
    this.options = options;
  }

  /** Appends text to the current line (starting one, indented, if needed). */
  write(text: string): this {
    if (!text.includes('\n')) {
      if (text !== '') this.#current = this.#current === undefined ? this.#indentation + text : this.#current + text;
      return this;
    }
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) this.newLine();
      if (part === '') return;
      this.#current = this.#current === undefined ? this.#indentation + part : this.#current + part;
    });
    return this;
  }

  writeLine(text: string): this {
    if (this.#current === undefined && !text.includes('\n')) {
      this.#lines.push(text === '' ? '' : this.#indentation + text);
      return this;
    }
    return this.write(text).newLine();
  }

  /** Ends the current line (an empty one when nothing was written on it). */
  newLine(): this {
    this.#lines.push(this.#current ?? '');
    this.#current = undefined;
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
    if (this.#current !== undefined) this.newLine();
    const last = this.#lines[this.#lines.length - 1];
    if (last !== undefined && last !== '') this.#lines.push('');
    return this;
  }

  /** Everything written, without trailing blank lines. */
  toString(): string {
    const lines = this.#current === undefined ? this.#lines : [...this.#lines, this.#current];
    let end = lines.length;
    while (end > 0 && lines[end - 1] === '') end--;
    return lines.slice(0, end).join('\n');
  }
}
