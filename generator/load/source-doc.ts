/**
 * A schema file parsed with positions: the YAML Document (every node keeps its range) plus
 * the LineCounter that turns offsets into line:col. Later stages point diagnostics at nodes.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Diagnostic, Position } from '../diagnostics.js';

/** A schema file as given to the compiler. */
export interface SchemaSource {
  /** Path as the user named it, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

export { namedModulePath } from './module-path.js';

export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

export interface SourceDoc {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /**
   * Read by the fast reader (fast-yaml.ts): no aliases, anchors, tags or merge keys, so the
   * document's data is its nodes' values without yaml's toJS.
   */
  readonly fast?: boolean;
}

/** The position of a 0-based character offset. */
export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col, offset };
}

/** The range `[start, end)` of offsets, as positions. */
export function rangeAt(lineCounter: LineCounter, start: number, end: number): SourceRange {
  return { start: positionAt(lineCounter, start), end: positionAt(lineCounter, Math.max(start, end)) };
}

/** The range of a node (value end, not including trailing comments). */
export function rangeOfNode(source: SourceDoc, node: Node | null | undefined): SourceRange {
  const range = node?.range;
  if (range === undefined || range === null) return rangeAt(source.lineCounter, 0, 0);
  return rangeAt(source.lineCounter, range[0], range[1]);
}

/** Builds an error diagnostic at a range of a source. */
export function errorAt(file: string, span: SourceRange, code: string, message: string, hint?: string): Diagnostic {
  return hint === undefined
    ? { code, severity: 'error', message, file, span }
    : { code, severity: 'error', message, file, span, hint };
}

/** Same as errorAt, with severity warning. */
export function warningAt(file: string, span: SourceRange, code: string, message: string, hint?: string): Diagnostic {
  return { ...errorAt(file, span, code, message, hint), severity: 'warning' };
}

/** The key as text (`1:` in history is the number 1; all keys are compared as text). */
export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * Follows a JSON-pointer-like path (as ajv reports it) through the document. Returns the
 * deepest node found, the key node of the last map step (for pointing at names), and whether
 * the whole path resolved.
 */
export function nodeAtPath(
  doc: Document.Parsed,
  path: readonly string[],
): { node: Node | null; keyNode: Node | null; complete: boolean } {
  let node: Node | null = doc.contents;
  let keyNode: Node | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === segment);
      if (pair === undefined) return { node, keyNode, complete: false };
      keyNode = isScalar(pair.key) ? pair.key : null;
      node = (pair.value as Node | null) ?? (pair.key as Node | null);
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return { node, keyNode, complete: false };
      node = item as Node;
      keyNode = null;
    } else {
      return { node, keyNode, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}
