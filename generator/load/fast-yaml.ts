/**
 * A fast reader for the YAML schema files are written in: text → the same yaml Document that
 * `parseDocument` builds (nodes, values, ranges), without yaml's lexer, CST parser and composer.
 * yaml's parser is general and costs most of a check; schemas use a small part of YAML.
 *
 * It reads one document whose root is a block map: block maps and sequences, flow maps and
 * sequences on one or more lines, plain (also multi-line), single- and double-quoted one-line
 * scalars, `|`/`>` block scalars with clip or strip chomping, comments. Anything else —
 * anchors, aliases, tags, directives, `---`, explicit keys, empty values, tabs, CR line ends —
 * and anything yaml would report as an error or a warning throws Unsupported inside, and
 * `readYamlFast` returns undefined: the caller parses with `parseDocument`, whose diagnostics
 * the compiler keeps. So a document this reader returns is one yaml reads without complaint,
 * node for node (test/compiler/fast-yaml.test.ts compares both on every schema in the repo).
 */
import { Document, type LineCounter, Pair, Scalar, type Schema, YAMLMap, YAMLSeq } from 'yaml';
import { blockScalar, doubleQuoted, plainScalar, unfoldLines, Unsupported, unsupported } from './fast-yaml-scalars.js';

type Node = Scalar | YAMLMap | YAMLSeq;
type Range = [number, number, number];

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** yaml's options for schema files (parse-yaml.ts passes the same to parseDocument). */
export const DOCUMENT_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

export interface FastDocument {
  readonly doc: Document.Parsed;
  /**
   * Whether a map has two keys of the same text that YAML holds different (`1:` and `"1":`):
   * yaml accepts them, the compiler reports them (EF101), and only then needs to look for them.
   */
  readonly sameTextKeys: boolean;
}

/** The document, or undefined when the text needs yaml's own parser. */
export function readYamlFast(text: string, lineCounter: LineCounter): FastDocument | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const doc = new Document(undefined, DOCUMENT_OPTIONS) as Document.Parsed;
  let root: YAMLMap;
  const reader = new Reader(text, doc.schema, doc.options);
  try {
    root = reader.document();
  } catch (error) {
    // Nesting deep enough to overflow the stack is yaml's to report (RESOURCE_EXHAUSTION).
    if (error instanceof Unsupported || error instanceof RangeError) return undefined;
    throw error;
  }
  doc.contents = root as Document.Parsed['contents'];
  doc.range = [(root.range as Range)[0], (root.range as Range)[2], text.length];
  // The line starts, as yaml's parser reports them to a LineCounter: 0, then after every newline.
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return { doc, sameTextKeys: reader.sameTextKeys };
}

/**
 * A fast document's data, as `doc.toJS()` gives it: scalars' values, sequences as arrays, maps
 * as objects with keys as text (null → ''), a later key of the same text replacing the earlier
 * one in place, `__proto__` an own key (yaml's addPairToJSMap).
 */
export function fastData(node: unknown): unknown {
  if (node instanceof YAMLMap) {
    const data: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = (pair.key as Scalar).value;
      const text = key === null ? '' : String(key);
      const value = fastData(pair.value);
      if (text in data)
        Object.defineProperty(data, text, { value, writable: true, enumerable: true, configurable: true });
      else data[text] = value;
    }
    return data;
  }
  if (node instanceof YAMLSeq) return node.items.map(fastData);
  return (node as Scalar).value;
}

/** Characters that cannot start a plain scalar here (or start something the reader leaves to yaml). */
const INDICATORS = new Set([
  '-',
  '?',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
]);
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_STOP = new Set([',', '[', ']', '{', '}']);

class Reader {
  private pos = 0;
  sameTextKeys = false;

  constructor(
    private readonly text: string,
    private readonly schema: Schema,
    private readonly options: object,
  ) {}

  document(): YAMLMap {
    this.skipBlankAndComments();
    if (this.pos >= this.text.length || this.indentAt(this.pos) !== 0) unsupported('root');
    const map = this.blockMap(0);
    this.skipBlankAndComments();
    if (this.pos < this.text.length) unsupported('content after the root map');
    return map;
  }

  // --- lines ---

  /**
   * Skips blank lines and comment lines from the start of a line; pos is then at a content
   * line's start or the end. Returns the largest indentation of a skipped comment (-1: none).
   */
  private skipBlankAndComments(): number {
    const text = this.text;
    let commentIndent = -1;
    while (this.pos < text.length) {
      let i = this.pos;
      while (text.charCodeAt(i) === SPACE) i++;
      const c = text.charCodeAt(i);
      if (c === NEWLINE) this.pos = i + 1;
      else if (c === HASH) {
        commentIndent = Math.max(commentIndent, i - this.pos);
        const end = text.indexOf('\n', i);
        this.pos = end < 0 ? text.length : end + 1;
      } else if (i >= text.length) this.pos = i;
      else break;
    }
    return commentIndent;
  }

  /**
   * Records a key of a map by its text: the same value twice is yaml's duplicate key (left to
   * yaml); the same text for different values (`1`, `"1"`) is noted for the compiler's check.
   */
  private addKey(keys: Map<string, unknown>, value: unknown): void {
    const text = String(value);
    if (keys.has(text)) {
      if (keys.get(text) === value) unsupported('duplicate key');
      this.sameTextKeys = true;
    }
    keys.set(text, value);
  }

  /** The indentation of the line starting at `lineStart`. */
  private indentAt(lineStart: number): number {
    let i = lineStart;
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i - lineStart;
  }

  /**
   * After a value on its line: spaces, an optional comment, the newline. Returns the offset
   * after them (yaml's range[2] of the value) and moves there.
   */
  private lineEnd(from: number): number {
    const text = this.text;
    let i = from;
    while (text.charCodeAt(i) === SPACE) i++;
    if (text.charCodeAt(i) === HASH) {
      if (i === from) unsupported('comment without a space');
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    }
    if (i < text.length && text.charCodeAt(i) !== NEWLINE) unsupported('text after a value');
    this.pos = i < text.length ? i + 1 : i;
    return this.pos;
  }

  /** The next content line (after blank and comment lines, which pos moves past) and its indentation. */
  private nextContent(): { start: number; indent: number } | undefined {
    const commentIndent = this.skipBlankAndComments();
    const next = this.pos >= this.text.length ? undefined : { start: this.pos, indent: this.indentAt(this.pos) };
    // yaml gives a comment indented more than the line after it to the node before it (range[2]
    // of a scalar, or of a collection when the comment ends it): left to yaml.
    if (commentIndent > (next?.indent ?? 0)) unsupported('comment indented more than the next line');
    return next;
  }

  // --- block collections ---

  /** A block map whose keys start at column `indent`; pos at the first key. */
  private blockMap(indent: number): YAMLMap {
    const map = new YAMLMap(this.schema);
    const keys = new Map<string, unknown>();
    let start = -1;
    let end = 0;
    for (;;) {
      const keyStart = this.pos + indent;
      if (start < 0) start = keyStart;
      const key = this.key(keyStart);
      this.addKey(keys, key.value);
      const value = this.mapValue(indent, (key.range as Range)[1] + 1);
      map.items.push(new Pair(key, value));
      end = (value.range as Range)[2];
      const next = this.nextContent();
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent) unsupported('indentation');
      if (this.isSeqItem(next.start + indent)) unsupported('sequence in a map');
      this.pos = next.start;
    }
    map.range = [start, end, end];
    return map;
  }

  /** `- item` lines at column `indent`; pos at the first line's start. */
  private blockSeq(indent: number): YAMLSeq {
    const seq = new YAMLSeq(this.schema);
    const start = this.pos + indent;
    let end = 0;
    for (;;) {
      const dash = this.pos + indent;
      if (this.text.charCodeAt(dash + 1) !== SPACE) unsupported('item on its own line');
      let i = dash + 2;
      while (this.text.charCodeAt(i) === SPACE) i++;
      const item = this.seqItem(indent, i);
      seq.items.push(item);
      end = (item.range as Range)[2];
      const next = this.nextContent();
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent || !this.isSeqItem(next.start + indent)) {
        // A map's key at the sequence's column ends a sequence written at its key's indentation.
        if (next.indent === indent) break;
        unsupported('indentation');
      }
      this.pos = next.start;
    }
    seq.range = [start, end, end];
    return seq;
  }

  /** `-5`, `-.inf`, `-x`: a plain scalar starting with `-` (not an item's `- `). */
  private isSignedPlain(at: number): boolean {
    const after = this.text.charCodeAt(at + 1);
    return this.text.charCodeAt(at) === DASH && at + 1 < this.text.length && after !== SPACE && after !== NEWLINE;
  }

  private isSeqItem(at: number): boolean {
    const after = this.text.charCodeAt(at + 1);
    return this.text.charCodeAt(at) === DASH && (after === SPACE || after === NEWLINE || at + 1 >= this.text.length);
  }

  /** An item of a block sequence at column `at`: a compact map (`- key: value`) or a value. */
  private seqItem(indent: number, at: number): Node {
    const text = this.text;
    const c = text[at] ?? '';
    if (c === '-' && this.isSeqItem(at)) unsupported('nested compact sequence');
    if (this.keyEndOnLine(at) >= 0) {
      // A compact map: its keys start at this column.
      return this.blockMapAt(at - this.lineStartOf(at), at);
    }
    return this.inlineValue(indent, at);
  }

  private lineStartOf(at: number): number {
    return this.text.lastIndexOf('\n', at - 1) + 1;
  }

  /** A block map whose first key is at `at` (column `column`, after `- `); later keys start their own lines. */
  private blockMapAt(column: number, at: number): YAMLMap {
    // blockMap reads keys at pos + indent: point pos so that the first key lands on `at`.
    this.pos = at - column;
    return this.blockMap(column);
  }

  /**
   * The offset of the `:` ending a plain or quoted key that starts at `at`, or -1 when the
   * line holds no key there.
   */
  private keyEndOnLine(at: number): number {
    const text = this.text;
    const c = text[at] ?? '';
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at);
      return text.charCodeAt(close) === COLON && this.isValueIndicator(close) ? close : -1;
    }
    if (INDICATORS.has(c)) return -1;
    for (let i = at; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === NEWLINE) return -1;
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
      if (ch === COLON && this.isValueIndicator(i)) return i;
    }
    return -1;
  }

  /** A `:` followed by a space, a newline or the end: a map's value indicator in block context. */
  private isValueIndicator(at: number): boolean {
    const after = this.text.charCodeAt(at + 1);
    return after === SPACE || after === NEWLINE || at + 1 >= this.text.length;
  }

  /** A key at `at` up to its `:`, which must follow it directly. */
  private key(at: number): Scalar {
    const colon = this.keyEndOnLine(at);
    if (colon < 0) unsupported('not a key');
    if (colon - at > 1000) unsupported('long key');
    const c = this.text[at];
    if (c === '"' || c === "'") return this.quoted(at, colon, colon);
    if (this.text.charCodeAt(colon - 1) === SPACE) unsupported('space before the colon');
    const source = this.text.slice(at, colon);
    const scalar = plainScalar(this.schema, source, this.options);
    scalar.range = [at, colon, colon];
    return scalar;
  }

  /** What follows `key:` (from `from`, after the colon) in a block map at column `indent`. */
  private mapValue(indent: number, from: number): Node {
    const text = this.text;
    let i = from;
    while (text.charCodeAt(i) === SPACE) i++;
    const c = text.charCodeAt(i);
    if (c === NEWLINE || c === HASH || i >= text.length) {
      if (c === HASH && i === from) unsupported('comment without a space');
      this.lineEnd(from);
      const next = this.nextContent();
      if (next === undefined) return unsupported('empty value');
      const column = next.start + next.indent;
      if (next.indent > indent) {
        if (this.isSeqItem(column)) return this.blockSeq(next.indent);
        return this.blockMap(next.indent);
      }
      if (next.indent === indent && this.isSeqItem(column)) return this.blockSeq(next.indent);
      return unsupported('empty value');
    }
    return this.inlineValue(indent, i);
  }

  /** A value that starts on the current line at `at`, inside a block collection at column `indent`. */
  private inlineValue(indent: number, at: number): Node {
    const text = this.text;
    const c = text[at] ?? '';
    if (c === '{' || c === '[') {
      const node = this.flowCollection(indent, at);
      const range = node.range as Range;
      range[2] = this.lineEnd(range[1]);
      return node;
    }
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at);
      const node = this.quoted(at, close, 0);
      (node.range as Range)[2] = this.lineEnd(close);
      return node;
    }
    if (c === '|' || c === '>') return this.blockScalar(indent, at);
    if (INDICATORS.has(c) && !this.isSignedPlain(at)) return unsupported(`value starting with ${c}`);
    return this.plain(indent, at);
  }

  // --- scalars ---

  /** A plain scalar in block context, possibly continued on more-indented lines. */
  private plain(indent: number, at: number): Scalar {
    const text = this.text;
    let i = at;
    let valueEnd = at;
    let comment = false;
    for (; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === NEWLINE) break;
      if (ch === SPACE) continue;
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
        comment = true;
        break;
      }
      if (ch === COLON && this.isValueIndicator(i)) unsupported('a map in a plain value');
      valueEnd = i + 1;
    }
    let end = this.lineEnd(valueEnd);
    let multiLine = false;
    // Continuation lines: more indented than the collection, not a comment; blank lines between.
    for (;;) {
      let j = this.pos;
      while (j < text.length) {
        const lineIndent = this.indentAt(j);
        if (text.charCodeAt(j + lineIndent) !== NEWLINE) break;
        j += lineIndent + 1;
      }
      if (j >= text.length) break;
      const lineIndent = this.indentAt(j);
      if (lineIndent <= indent) break;
      const first = j + lineIndent;
      if (comment || text.charCodeAt(first) === HASH) unsupported('continuation after a comment, or a comment');
      if (INDICATORS.has(text[first] ?? '')) unsupported('continuation starting with an indicator');
      let k = first;
      let lineValueEnd = first;
      for (; k < text.length; k++) {
        const ch = text.charCodeAt(k);
        if (ch === NEWLINE) break;
        if (ch === SPACE) continue;
        if (ch === HASH && text.charCodeAt(k - 1) === SPACE) unsupported('comment after a continuation');
        if (ch === COLON && this.isValueIndicator(k)) unsupported('a map in a plain value');
        lineValueEnd = k + 1;
      }
      valueEnd = lineValueEnd;
      end = this.lineEnd(valueEnd);
      multiLine = true;
    }
    const source = text.slice(at, valueEnd);
    const scalar = plainScalar(this.schema, multiLine ? unfoldLines(source) : source, this.options);
    scalar.range = [at, valueEnd, end];
    return scalar;
  }

  /** The offset after the closing quote of a one-line quoted scalar starting at `at`. */
  private quotedEnd(at: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    for (let i = at + 1; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === NEWLINE) return unsupported('multi-line quoted scalar');
      if (quote === 34 && ch === 92) i++;
      else if (ch === quote) {
        if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
        else return i + 1;
      }
    }
    return unsupported('unclosed quote');
  }

  private quoted(at: number, close: number, end: number): Scalar {
    const source = this.text.slice(at, close);
    const double = source[0] === '"';
    const value = double ? doubleQuoted(source) : source.slice(1, -1).replace(/''/g, "'");
    const scalar = plainScalarString(value, double ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE');
    scalar.range = [at, close, Math.max(close, end)];
    return scalar;
  }

  /** `|` or `>` with an optional `-`, then lines more indented than `indent`. */
  private blockScalar(indent: number, at: number): Scalar {
    const text = this.text;
    const folded = text[at] === '>';
    let i = at + 1;
    const strip = text[i] === '-';
    if (strip) i++;
    if (text.charCodeAt(i) !== NEWLINE) unsupported('block scalar header');
    let lineStart = i + 1;
    const lines: string[] = [];
    let end = lineStart;
    let firstIndent = -1;
    while (lineStart < text.length) {
      const newline = text.indexOf('\n', lineStart);
      const lineEnd = newline < 0 ? text.length : newline;
      const line = text.slice(lineStart, lineEnd);
      const lineIndent = this.indentAt(lineStart);
      if (line === '') {
        lines.push(line);
      } else if (lineIndent === line.length) {
        unsupported('blank line with spaces in a block scalar');
      } else if (lineIndent <= indent) break;
      else {
        if (firstIndent < 0) firstIndent = lineIndent;
        else if (lineIndent < firstIndent) unsupported('less indented block scalar line');
        lines.push(line);
        end = newline < 0 ? text.length : newline + 1;
      }
      if (newline < 0) break;
      lineStart = newline + 1;
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0 || lines[0] === '') unsupported('empty or blank-first block scalar');
    if (text.charCodeAt(end - 1) !== NEWLINE) unsupported('block scalar at the end of the text');
    const scalar = plainScalarString(blockScalar(folded, strip, lines), folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL');
    scalar.range = [at, end, end];
    this.pos = end;
    return scalar;
  }

  // --- flow collections ---

  /**
   * `{ … }` or `[ … ]` from `at`, on one or more lines each indented more than `indent`.
   * Returns the node with range [start, after the bracket, after trailing spaces]; pos after the bracket.
   */
  private flowCollection(indent: number, at: number): YAMLMap | YAMLSeq {
    const text = this.text;
    const isMap = text[at] === '{';
    const close = isMap ? '}' : ']';
    const node = isMap ? new YAMLMap(this.schema) : new YAMLSeq(this.schema);
    node.flow = true;
    let i = this.flowSpace(indent, at + 1);
    const keys = new Map<string, unknown>();
    for (;;) {
      if (text[i] === close) break;
      if (isMap) {
        const colon = this.flowKeyEnd(i);
        const key = this.flowScalarOrCollection(indent, i, colon, true) as Scalar;
        this.addKey(keys, key.value);
        if (text.charCodeAt(colon + 1) !== SPACE) unsupported('value on the next line');
        const valueStart = this.flowSpace(indent, colon + 1);
        if (text[valueStart] === ',' || text[valueStart] === '}') unsupported('empty flow value');
        const value = this.flowScalarOrCollection(indent, valueStart, -1, false);
        (node as YAMLMap).items.push(new Pair(key, value));
        i = (value.range as Range)[2];
      } else {
        const item = this.flowScalarOrCollection(indent, i, -1, false);
        (node as YAMLSeq).items.push(item);
        i = (item.range as Range)[2];
      }
      if (text[i] === ',') {
        i = this.flowSpace(indent, i + 1);
        if (text[i] === ',') unsupported('empty flow item');
      } else if (text[i] !== close) unsupported('missing comma');
    }
    node.range = [at, i + 1, i + 1];
    return node;
  }

  /** Spaces and newlines inside a flow collection (continuation lines more indented than `indent`). */
  private flowSpace(indent: number, from: number): number {
    const text = this.text;
    let i = from;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === SPACE) i++;
      else if (ch === NEWLINE) {
        i++;
        const lineIndent = this.indentAt(i);
        if (lineIndent <= indent || text.charCodeAt(i + lineIndent) === NEWLINE) unsupported('flow line indentation');
        i += lineIndent;
      } else if (ch === HASH || i >= text.length) return unsupported('comment or end in a flow collection');
      else return i;
    }
  }

  /** The `: ` after a flow map's key that starts at `at`. */
  private flowKeyEnd(at: number): number {
    const text = this.text;
    const c = text[at] ?? '';
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(at);
      if (text.charCodeAt(close) !== COLON) unsupported('flow key');
      return close;
    }
    if (INDICATORS.has(c)) unsupported('flow key');
    for (let i = at; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === ':' && this.isValueIndicator(i)) {
        if (text.charCodeAt(i - 1) === SPACE) unsupported('space before the colon');
        return i;
      }
      if (ch === '\n' || FLOW_STOP.has(ch) || (ch === '#' && text.charCodeAt(i - 1) === SPACE)) unsupported('flow key');
    }
    return unsupported('flow key');
  }

  /**
   * A scalar or nested flow collection at `at` inside a flow collection. For a key, `keyEnd` is
   * its colon. Range[2] goes past trailing spaces (and newlines of continuation lines).
   */
  private flowScalarOrCollection(indent: number, at: number, keyEnd: number, isKey: boolean): Node {
    const text = this.text;
    const c = text[at] ?? '';
    if (c === '{' || c === '[') {
      if (isKey) unsupported('collection as key');
      const node = this.flowCollection(indent, at);
      (node.range as Range)[2] = this.flowTrailing((node.range as Range)[1]);
      return node;
    }
    if (c === '"' || c === "'") {
      const close = isKey ? keyEnd : this.quotedEnd(at);
      return this.quoted(at, close, isKey ? close : this.flowTrailing(close));
    }
    if (INDICATORS.has(c) && (isKey || !this.isSignedPlain(at))) return unsupported(`flow value starting with ${c}`);
    let valueEnd = at;
    let i = at;
    if (isKey) valueEnd = i = keyEnd;
    else
      for (; i < text.length; i++) {
        const ch = text[i] as string;
        if (ch === ' ') continue;
        if (ch === '\n' || FLOW_STOP.has(ch)) break;
        if (ch === '#' && text.charCodeAt(i - 1) === SPACE) unsupported('comment in a flow collection');
        if (ch === ':' && (this.isValueIndicator(i) || FLOW_STOP.has(text[i + 1] ?? '')))
          unsupported('pair in a flow value');
        valueEnd = i + 1;
      }
    if (!isKey && (text[i] === '[' || text[i] === '{')) unsupported('flow indicator in a plain scalar');
    const scalar = plainScalar(this.schema, text.slice(at, valueEnd), this.options);
    scalar.range = [at, valueEnd, isKey ? valueEnd : this.flowTrailing(valueEnd)];
    return scalar;
  }

  /** Trailing spaces after a value inside a flow collection: where its range[2] ends. */
  private flowTrailing(from: number): number {
    const text = this.text;
    let i = from;
    while (text.charCodeAt(i) === SPACE) i++;
    if (text.charCodeAt(i) === NEWLINE) unsupported('newline after a flow value');
    return i;
  }
}

/** A string scalar of a given style (quoted and block scalars are never resolved by tag). */
function plainScalarString(value: string, type: Scalar.Type): Scalar {
  const scalar = new Scalar(value);
  scalar.type = type;
  return scalar;
}
