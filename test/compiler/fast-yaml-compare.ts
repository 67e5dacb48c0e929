/**
 * Compares the fast reader's document with yaml's parseDocument of the same text: node kinds,
 * flow styles, scalar styles and values, all three offsets of every range, the line starts.
 * Returns the differences (empty when equal), or 'fallback' when the fast reader declined.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { DOCUMENT_OPTIONS, fastData, readYamlFast } from '../../generator/load/fast-yaml.js';

export function compareWithYaml(text: string): 'fallback' | string[] {
  const fastLines = new LineCounter();
  const read = readYamlFast(text, fastLines);
  if (read === undefined) return 'fallback';
  const fast = read.doc;
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...DOCUMENT_OPTIONS, lineCounter: lines });
  const problems: string[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) problems.push(`yaml reports ${e.code}: ${e.message}`);
  if (JSON.stringify(fastLines.lineStarts) !== JSON.stringify(lines.lineStarts)) problems.push('line starts differ');
  if (JSON.stringify(fast.range) !== JSON.stringify(doc.range))
    problems.push(`doc range ${fast.range} vs ${doc.range}`);
  const walk = (a: unknown, b: unknown, path: string): void => {
    const kind = (n: unknown) => (isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : String(n));
    if (kind(a) !== kind(b)) {
      problems.push(`${path}: ${kind(a)} vs ${kind(b)}`);
      return;
    }
    const na = a as { range?: number[]; flow?: boolean; type?: string; value?: unknown };
    const nb = b as typeof na;
    if (JSON.stringify(na.range) !== JSON.stringify(nb.range))
      problems.push(`${path}: range ${JSON.stringify(na.range)} vs ${JSON.stringify(nb.range)}`);
    if (isScalar(a)) {
      if (!Object.is(na.value, nb.value))
        problems.push(`${path}: value ${JSON.stringify(na.value)} vs ${JSON.stringify(nb.value)}`);
      if (typeof na.value !== typeof nb.value) problems.push(`${path}: type of value differs`);
      if (na.type !== nb.type) problems.push(`${path}: style ${na.type} vs ${nb.type}`);
      return;
    }
    if (Boolean(na.flow) !== Boolean(nb.flow)) problems.push(`${path}: flow ${na.flow} vs ${nb.flow}`);
    const ia = (a as { items: unknown[] }).items;
    const ib = (b as { items: unknown[] }).items;
    if (ia.length !== ib.length) problems.push(`${path}: ${ia.length} vs ${ib.length} items`);
    for (let i = 0; i < Math.min(ia.length, ib.length); i++) {
      if (isPair(ia[i]) !== isPair(ib[i])) problems.push(`${path}[${i}]: pair vs not`);
      else if (isPair(ia[i]) && isPair(ib[i])) {
        const pa = ia[i] as { key: unknown; value: unknown };
        const pb = ib[i] as typeof pa;
        walk(pa.key, pb.key, `${path}/${String((pb.key as { value?: unknown })?.value)}#key`);
        walk(pa.value, pb.value, `${path}/${String((pb.key as { value?: unknown })?.value)}`);
      } else walk(ia[i], ib[i], `${path}/${i}`);
    }
  };
  walk(fast.contents, doc.contents, '');
  if (read.sameTextKeys !== hasSameTextKeys(doc.contents)) problems.push(`same-text keys noted: ${read.sameTextKeys}`);
  if (!isDeepStrictEqual(fastData(fast.contents), doc.toJS())) problems.push('data differs from toJS');
  if (!isDeepStrictEqual(Object.keys(fastData(fast.contents) as object), Object.keys(doc.toJS() as object)))
    problems.push('key order differs from toJS');
  return problems;
}

/** Whether some map of the document has two keys of the same text (parse-yaml.ts's EF101 check). */
function hasSameTextKeys(node: unknown): boolean {
  if (isMap(node)) {
    const texts = node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
    if (new Set(texts).size < texts.length) return true;
    return node.items.some((pair) => hasSameTextKeys(pair.value));
  }
  if (isSeq(node)) return node.items.some(hasSameTextKeys);
  return false;
}
