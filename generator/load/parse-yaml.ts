/**
 * YAML text → Document with positions. YAML problems (syntax, duplicate keys, bad
 * indentation, several documents) become diagnostics at their position; nothing is thrown.
 */
import {
  CST,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  type Node,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { DOCUMENT_OPTIONS, readYamlFast } from './fast-yaml.js';
import { errorAt, keyText, rangeAt, rangeOfNode, warningAt, type SchemaSource, type SourceDoc } from './source-doc.js';

/** yaml's error codes that mean the same thing to a user, grouped under one of ours. */
const CODE_BY_YAML_CODE: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'EF101',
  BAD_INDENT: 'EF102',
  TAB_AS_INDENT: 'EF102',
  MULTIPLE_DOCS: 'EF103',
};

const HINTS: Readonly<Record<string, string>> = {
  EF101: 'each key may appear once per map; merge the two entries or rename one',
  EF102: 'indent with spaces only, and indent every key of one map by the same amount',
  EF103: 'one schema file holds one domain: remove the `---` separator or split the file',
};

/** The lexer's token names in yaml's messages, as the characters a user typed. */
const TOKENS: Readonly<Record<string, string>> = {
  'flow-seq-start': '[',
  'flow-seq-end': ']',
  'flow-map-start': '{',
  'flow-map-end': '}',
  'map-value-ind': ':',
  'seq-item-ind': '-',
  'flow-error-end': '}',
};

export interface ParsedYaml {
  readonly source: SourceDoc;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one schema file. Diagnostics are empty when the YAML is well-formed. The fast reader
 * takes the files it handles (what schemas are written with, no errors); yaml's own parser
 * reads the rest and reports their problems.
 */
export function parseYaml(input: SchemaSource): ParsedYaml {
  const lineCounter = new LineCounter();
  const fast = readYamlFast(input.text, lineCounter);
  const doc = fast?.doc ?? parseDocument(input.text, { ...DOCUMENT_OPTIONS, lineCounter });
  const source: SourceDoc = { file: input.path, text: input.text, doc, lineCounter, fast: fast !== undefined };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (error: YAMLError, severity: 'error' | 'warning'): void => {
    const better =
      unclosedQuote(error, input.text) ?? unclosedBracket(error, input.text) ?? overIndentedKey(error, input.text);
    if (better !== undefined) {
      diagnostics.push(
        errorAt(
          input.path,
          rangeAt(lineCounter, better.offset, better.offset + 1),
          better.code,
          better.message,
          better.hint,
        ),
      );
      return;
    }
    const code = CODE_BY_YAML_CODE[error.code] ?? 'EF100';
    const span = rangeAt(lineCounter, ...wholeDuplicateKey(error, input.text, atIndentedKey(error, input.text)));
    // The yaml parser sometimes reports one problem twice (lexer and composer).
    const key = `${code}:${span.start.offset}`;
    if (seen.has(key)) return;
    seen.add(key);
    const message = yamlMessage(error, input.text.slice(error.pos[0], error.pos[0] + 200));
    const hint = flowListHint(input.text, span.start.line) ?? messageHint(message) ?? HINTS[code];
    diagnostics.push(
      severity === 'error'
        ? errorAt(input.path, span, code, message, hint)
        : warningAt(input.path, span, code, message, hint),
    );
  };
  // After the first syntax error the parser's view of the rest is unreliable: report that one
  // (plus every duplicate key, which are independent), not the cascade that follows it.
  const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  for (const error of doc.errors) if (error.code === 'DUPLICATE_KEY' || error === firstSyntax) report(error, 'error');
  for (const warning of doc.warnings) report(warning, 'warning');
  // The fast reader noted whether any map has such keys: the walk is needed only then.
  if (doc.errors.length === 0 && (fast === undefined || fast.sameTextKeys)) diagnostics.push(...sameTextKeys(source));
  if (diagnostics.length === 0 && (doc.contents === null || input.text.trim() === '')) {
    diagnostics.push(
      errorAt(
        input.path,
        rangeAt(lineCounter, 0, 0),
        'EF104',
        'the schema file is empty',
        'start with `domain: <Name>`',
      ),
    );
  }
  return { source, diagnostics };
}

/** yaml's message without its trailing position (we print our own) and with a lower-case start. */
function yamlMessage(error: YAMLError, at: string): string {
  if (error.code === 'DUPLICATE_KEY') return `duplicate key "${/^[^:\s,{}[\]]+/.exec(at)?.[0] ?? at.trim()}"`;
  if (error.code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document';
  const text = error.message
    .replace(/ at line \d+, column \d+[\s\S]*$/, '')
    .replace(
      /\b(flow-seq-start|flow-seq-end|flow-map-start|flow-map-end|map-value-ind|seq-item-ind|flow-error-end)\b( token)?/g,
      (_, token: string) => `\`${TOKENS[token] ?? token}\``,
    )
    .replace(/ at node end$/, ' after a value')
    .trim();
  return 'invalid YAML: ' + text.charAt(0).toLowerCase() + text.slice(1);
}

/** A syntax error restated at the place the user has to look, instead of where yaml noticed it. */
interface Restated {
  readonly offset: number;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * yaml reports an unclosed quote where the text ends; the quote to fix is the one that opened
 * the value: the last unescaped quote character before that point.
 */
function unclosedQuote(error: YAMLError, text: string): Restated | undefined {
  const quote = error.code === 'MISSING_CHAR' ? /closing (["'])quote/.exec(error.message)?.[1] : undefined;
  if (quote === undefined) return undefined;
  for (let i = Math.min(error.pos[0], text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && /\\(\\\\)*$/.test(text.slice(Math.max(0, i - 8), i))) continue;
    if (quote === "'" && text[i - 1] === "'") {
      i--;
      continue;
    }
    return {
      offset: i,
      code: 'EF100',
      message: `invalid YAML: the value quoted with ${quote} here is never closed`,
      hint: `close it with ${quote} at the end of the value, or remove the opening ${quote}`,
    };
  }
  return undefined;
}

/**
 * An unclosed `{` or `[` makes yaml read the following lines as part of the flow collection
 * and complain where they are (often as bad indentation, a line later); the bracket to fix is
 * the one that opened it. The innermost unclosed one before the error is the first to close.
 */
function unclosedBracket(error: YAMLError, text: string): Restated | undefined {
  let opening: { offset: number; source: string } | undefined;
  for (const token of new Parser().parse(text)) {
    CST.visit(token as Parameters<typeof CST.visit>[0], (item) => {
      const value = item.value;
      if (value?.type !== 'flow-collection' || value.start.offset > error.pos[0]) return;
      const close = value.start.source === '{' ? '}' : ']';
      if (
        !value.end.some((t) => t.source === close) &&
        (opening === undefined || value.start.offset > opening.offset)
      ) {
        opening = { offset: value.start.offset, source: value.start.source };
      }
    });
  }
  // yaml also ends a flow collection early at an under-indented line; when the brackets do
  // balance in the text, the indentation is the problem and EF102 says so.
  if (opening === undefined || closedLater(text, opening.offset)) return undefined;
  const map = opening.source === '{';
  const close = map ? '}' : ']';
  return {
    offset: opening.offset,
    code: 'EF100',
    message: `invalid YAML: the ${map ? 'flow map' : 'flow list'} opened with \`${opening.source}\` here is never closed`,
    hint: `close it with \`${close}\` after its last ${map ? 'entry' : 'item'}${map ? ', or write the map one key per line without braces' : ''}`,
  };
}

/** Whether the bracket at `offset` is matched later in the text (quotes and comments skipped). */
function closedLater(text: string, offset: number): boolean {
  const open: string[] = [];
  for (let i = offset; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return false;
      i = end;
    } else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      if (end < 0) return false;
      i = end;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? '}' : ']');
    } else if (c === '}' || c === ']') {
      // A bracket of the other kind closes nothing: the one opened is still open.
      if (open.pop() !== c) return false;
      if (open.length === 0) return true;
    }
  }
  return false;
}

/**
 * A key indented deeper than the keys above it, under a key that already has a value on its
 * line, reads to yaml as a nested map inside that value; the user's problem is the indentation
 * of the deeper key, so point there.
 */
function overIndentedKey(error: YAMLError, text: string): Restated | undefined {
  if (error.code !== 'BLOCK_AS_IMPLICIT_KEY') return undefined;
  const lines = text.split('\n');
  const lineIndex = text.slice(0, error.pos[0]).split('\n').length - 1;
  const current = /^(\s*)[^\s#:][^:]*:\s+\S/.exec(lines[lineIndex] ?? '');
  if (current === null) return undefined;
  let next = lineIndex + 1;
  while (next < lines.length && (lines[next] ?? '').trim() === '') next++;
  const deeper = /^(\s*)([^\s#:][^:]*):/.exec(lines[next] ?? '');
  const indent = current[1]?.length ?? 0;
  const deeperIndent = deeper?.[1]?.length ?? 0;
  if (deeper === null || deeperIndent <= indent) return undefined;
  const offset = lines.slice(0, next).reduce((sum, line) => sum + line.length + 1, 0) + deeperIndent;
  return {
    offset,
    code: 'EF102',
    message: `key "${deeper[2]?.trim()}" is indented more than the key above it, which already has a value`,
    hint: `indent "${deeper[2]?.trim()}" like the other keys of its map (${indent} spaces)`,
  };
}

/**
 * yaml reports a badly indented key at the start of its line; the user has to look at the key,
 * where its indentation ends.
 */
function atIndentedKey(error: YAMLError, text: string): [number, number] {
  const [start, end] = error.pos;
  if (error.code !== 'BAD_INDENT' || (start > 0 && text[start - 1] !== '\n')) return [start, end];
  const indent = /^ */.exec(text.slice(start))?.[0].length ?? 0;
  return [start + indent, Math.max(end, start + indent + 1)];
}

/** A key written twice is underlined whole, not at its first character. */
function wholeDuplicateKey(error: YAMLError, text: string, [start, end]: [number, number]): [number, number] {
  if (error.code !== 'DUPLICATE_KEY') return [start, end];
  const key = /^[^:\s,{}[\]]+/.exec(text.slice(start, start + 200))?.[0] ?? '';
  return [start, Math.max(end, start + key.length)];
}

/** `{ items: string[] }`: inside a flow map `[` starts a YAML list, a common trap with list types. */
function flowListHint(text: string, line: number): string | undefined {
  const source = text.split('\n')[line - 1] ?? '';
  return /\{[^}]*\w\[\]/.test(source)
    ? 'inside `{ … }` a `[` starts a YAML list: quote list types (`items: "string[]"`) or write the map one key per line'
    : undefined;
}

/**
 * Keys YAML considers different but that are the same text (`1:` and `"1":`, `true:` and
 * `"true":`): after conversion to JSON one would silently replace the other.
 */
function sameTextKeys(source: SourceDoc): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // A plain recursive walk: yaml's visit() builds a path array per node, which cost more than
  // the check itself on large schemas.
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const text = keyText(pair.key);
        if (seen.has(text)) {
          diagnostics.push(
            errorAt(
              source.file,
              rangeOfNode(source, isScalar(pair.key) ? (pair.key as Node) : null),
              'EF101',
              `duplicate key "${text}"`,
              HINTS['EF101'],
            ),
          );
        }
        seen.add(text);
        walk(pair.key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          walk(item.key);
          walk(item.value);
        } else {
          walk(item);
        }
      }
    }
  };
  walk(source.doc.contents);
  return diagnostics;
}

/** Hints for yaml's most frequent syntax errors, by their message. */
const MESSAGE_HINTS: readonly (readonly [RegExp, string])[] = [
  [
    /nested mappings are not allowed in compact mappings/,
    'put a nested map on its own, more indented lines, or quote a value that contains ": "',
  ],
  [/implicit (map )?keys need to be/, 'each key of a map needs a `:` after it on the same line'],
  [
    /(alias|anchor) ending in : is ambiguous/,
    '`&` and `*` start YAML anchors and aliases: quote a value that starts with them',
  ],
  [/missing , /, 'separate the entries of `{ … }` and `[ … ]` with commas'],
];

function messageHint(message: string): string | undefined {
  return MESSAGE_HINTS.find(([pattern]) => pattern.test(message))?.[1];
}
