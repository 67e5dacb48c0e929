/**
 * Where a position sits in a domain schema's YAML: the keys from the root to it, and whether it
 * is a key or a value. Works on text being typed: the cursor is marked by inserting a sentinel
 * word and parsing again, so `{ type: decimal, | }`, `total: |` and an empty line under a map
 * all become a node with a path.
 */
import { keyText } from '../../generator/load/source-doc.js';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';

const SENTINEL = 'EfCursor9z';
const WORD = /[A-Za-z0-9_]/;

export interface Located {
  readonly scalar: Scalar;
  /** Keys from the root: to the map holding the key (role `key`), or to the value's own key (role `value`). */
  readonly path: readonly string[];
  readonly role: 'key' | 'value';
  /** The map holding the key (role `key`) or the value (role `value`); undefined at the root. */
  readonly map: YAMLMap | undefined;
}

export interface CursorContext extends Located {
  /** What was typed before the cursor in the current word. */
  readonly prefix: string;
  /** Offset where the current word starts (the start of the range a completion replaces). */
  readonly wordStart: number;
  /** Keys already in the map (role `key`), so completion does not offer them again. */
  readonly siblings: readonly string[];
}

/** The parsed document, tolerant of errors (a schema being typed is often invalid). */
export function parseSchemaText(text: string): Document.Parsed {
  return parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
}

/** The context of the cursor at `offset`, or undefined where the text cannot say (inside a comment). */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  let wordStart = offset;
  while (wordStart > 0 && WORD.test(text[wordStart - 1] ?? '')) wordStart -= 1;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset);
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd);
  if (before.includes('#')) return undefined;
  // A word alone on a block line is a key being typed: make it one, or YAML reads it as a scalar.
  const blockKey = /^\s*[A-Za-z0-9_]*$/.test(before) && after.trim() === '';
  const marked = text.slice(0, offset) + SENTINEL + (blockKey ? ': ' : '') + text.slice(offset);
  const found = locate(parseSchemaText(marked), (s) => typeof s.value === 'string' && s.value.includes(SENTINEL));
  if (found === undefined) return undefined;
  const siblings =
    found.role === 'key' && found.map !== undefined ? keysOf(found.map).filter((k) => !k.includes(SENTINEL)) : [];
  return { ...found, prefix: text.slice(wordStart, offset), wordStart, siblings };
}

/** The scalar under `offset` (a key or a value), with its path. */
export function nodeAt(doc: Document.Parsed, offset: number): Located | undefined {
  return locate(doc, (s) => s.range !== undefined && s.range !== null && s.range[0] <= offset && offset <= s.range[1]);
}

/** The first scalar (in document order) that `matches`. */
export function locate(doc: Document.Parsed, matches: (scalar: Scalar) => boolean): Located | undefined {
  const walk = (node: unknown, path: string[], holder: YAMLMap | undefined): Located | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && matches(pair.key)) return { scalar: pair.key, path, role: 'key', map: node };
        const inside = walk(pair.value, [...path, keyText(pair.key)], node);
        if (inside !== undefined) return inside;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const inside = walk(item, [...path, String(index)], holder);
        if (inside !== undefined) return inside;
      }
    } else if (isScalar(node) && matches(node)) {
      return { scalar: node, path, role: 'value', map: holder };
    }
    return undefined;
  };
  return walk(doc.contents, [], undefined);
}

/** The keys of a map, as text (`1:` under history is the number 1). */
export function keysOf(map: YAMLMap): string[] {
  return map.items.filter(isPair).map((pair) => keyText(pair.key));
}

/** The value node under `key` in `map`. */
export function valueOf(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isPair(item) && keyText(item.key) === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

/** The key node of `key` in `map`. */
export function keyNodeOf(map: unknown, key: string): Scalar | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isPair(item) && keyText(item.key) === key);
  return isScalar(pair?.key) ? pair.key : undefined;
}
