/**
 * What a shape error or a recoverable YAML error breaks: the event it sits in, else the type
 * or aggregate declaration, a whole `types:`/`aggregates:` section, or the whole file. The
 * domain is then read without the broken parts, so the semantic rules still judge everything
 * else in the same run; the names of broken types are kept so that fields using them are not
 * reported as unknown.
 */
import { isMap, isPair, type Node, type Pair } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { keyText, nodeAtPath, type SourceDoc } from './source-doc.js';

export interface Damage {
  /** Nothing can be read (the root is not a map, or a top-level key is written twice). */
  whole: boolean;
  /** `types` or `aggregates` when that section as a whole is unusable. */
  readonly sections: Set<string>;
  /** Broken declarations under `types:`. */
  readonly types: Set<string>;
  /** Broken declarations under `aggregates:`. */
  readonly aggregates: Set<string>;
  /** Broken events by aggregate, of aggregates that are otherwise readable. */
  readonly events: Map<string, Set<string>>;
  /**
   * Offset ranges `[start, end)` of broken top-level values (`upcasters: shop-upcasters`): the
   * shape error already reports them, so what the rules say about them is noise.
   */
  readonly spots: [number, number][];
}

/** The sections whose entries are declarations that can be skipped one by one. */
const DECLARATION_SECTIONS = new Set(['types', 'aggregates']);

export function noDamage(): Damage {
  return { whole: false, sections: new Set(), types: new Set(), aggregates: new Set(), events: new Map(), spots: [] };
}

/**
 * Marks the node at `path` (keys from the root, as ajv reports them) as broken. A broken
 * top-level value (`domain`, `upcasters`) breaks nothing else: the reader skips values of the
 * wrong kind, and rule findings on it are dropped.
 */
export function markPath(damage: Damage, source: SourceDoc, path: readonly string[]): void {
  const [section, name, part, event] = path;
  if (section === undefined) {
    damage.whole = true;
    return;
  }
  if (!DECLARATION_SECTIONS.has(section)) {
    const range = nodeAtPath(source.doc, [section]).node?.range;
    if (range) damage.spots.push([range[0], range[1]]);
    return;
  }
  if (name === undefined) damage.sections.add(section);
  // An event depends on its aggregate's state, never on another event: it can be set aside alone.
  else if (section === 'aggregates' && part === 'events' && event !== undefined)
    damage.events.set(name, new Set([...(damage.events.get(name) ?? []), event]));
  else (section === 'types' ? damage.types : damage.aggregates).add(name);
}

/** Marks the declaration that contains a character offset (a YAML error has no path). */
export function markOffset(damage: Damage, source: SourceDoc, offset: number): void {
  const root = source.doc.contents;
  const top = isMap(root) ? root.items.find((pair) => contains(pair, offset)) : undefined;
  if (top === undefined || !DECLARATION_SECTIONS.has(keyText(top.key)) || !isMap(top.value)) {
    damage.whole = true;
    return;
  }
  const declaration = top.value.items.find((pair) => contains(pair, offset));
  if (declaration === undefined) damage.whole = true;
  else markPath(damage, source, [keyText(top.key), keyText(declaration.key), ...eventAt(declaration.value, offset)]);
}

/** `['events', name]` when the offset lies inside an event of an aggregate's `events:` map. */
function eventAt(aggregate: unknown, offset: number): string[] {
  const events = isMap(aggregate)
    ? aggregate.items.find((pair) => contains(pair, offset) && keyText(pair.key) === 'events')
    : undefined;
  const event =
    events !== undefined && isMap(events.value) ? events.value.items.find((pair) => contains(pair, offset)) : undefined;
  return event === undefined ? [] : ['events', keyText(event.key)];
}

function contains(pair: unknown, offset: number): boolean {
  if (!isPair(pair)) return false;
  const { key, value } = pair as Pair<Node | null, Node | null>;
  const start = key?.range?.[0];
  const end = value?.range?.[2] ?? key?.range?.[2];
  return start !== undefined && end !== undefined && offset >= start && offset < end;
}

/** Whether the reader must skip an entry of `types:` or `aggregates:`. */
export function isBrokenDeclaration(damage: Damage, section: 'types' | 'aggregates', name: string): boolean {
  return damage.sections.has(section) || damage[section].has(name);
}

/** Whether the reader must skip an event of an aggregate. */
export function isBrokenEvent(damage: Damage, aggregate: string, event: string): boolean {
  return damage.events.get(aggregate)?.has(event) === true;
}

/** Whether an aggregate is read without some of its events (so its set of events is not the whole story). */
export function lacksEvents(damage: Damage, aggregate: string): boolean {
  return damage.events.has(aggregate);
}

/** Whether a type name may refer to a declaration that could not be read. */
export function mayBeBrokenType(damage: Damage, name: string): boolean {
  return damage.sections.has('types') || damage.types.has(name);
}

/**
 * What the YAML errors of a parsed file break. A key written twice leaves a well-formed
 * document (only its declaration is in doubt); after any other syntax error the parser's view
 * of the file is unreliable, so nothing of it is read.
 */
export function damageOfYamlErrors(source: SourceDoc, diagnostics: readonly Diagnostic[]): Damage {
  const damage = noDamage();
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    if (d.code === 'EF101') markOffset(damage, source, d.span.start.offset);
    else damage.whole = true;
  }
  return damage;
}

export function mergeDamage(a: Damage, b: Damage): Damage {
  return {
    whole: a.whole || b.whole,
    sections: new Set([...a.sections, ...b.sections]),
    types: new Set([...a.types, ...b.types]),
    aggregates: new Set([...a.aggregates, ...b.aggregates]),
    events: new Map(
      [...a.events.keys(), ...b.events.keys()].map((k) => [
        k,
        new Set([...(a.events.get(k) ?? []), ...(b.events.get(k) ?? [])]),
      ]),
    ),
    spots: [...a.spots, ...b.spots],
  };
}

/** Whether a rule's finding is about a value the shape check already reported as broken. */
export function atBrokenSpot(damage: Damage, diagnostic: Diagnostic): boolean {
  const offset = diagnostic.span.start.offset;
  return damage.spots.some(([start, end]) => offset >= start && offset < end);
}
