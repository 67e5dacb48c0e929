/**
 * Scalar values for the fast YAML reader (fast-yaml.ts), computed exactly as yaml's composer
 * does (compose/resolve-flow-scalar.js, resolve-block-scalar.js): plain scalars resolved by the
 * document schema's own core tags, quoted scalars unescaped, block scalars folded. Anything the
 * composer would report (a bad escape) throws Unsupported, and the caller falls back to yaml.
 */
import { isScalar, Scalar, type Schema } from 'yaml';

/** Thrown where the fast reader stops: the text goes through yaml's parseDocument instead. */
export class Unsupported extends Error {}

export const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

type Tag = Schema['tags'][number] & { test?: RegExp; resolve?: (...args: unknown[]) => unknown; format?: string };

/**
 * Plain-scalar resolution with the schema's default tags, as composeScalar/findScalarTagByTest.
 * Most plain scalars of a schema are names and type expressions: a first character that can
 * start none of null, a boolean or a number goes straight to a string.
 */
export function plainScalar(schema: Schema, value: string, options: object): Scalar {
  const first = value.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  // n/N null, t/T true, f/F false; every other letter starts a string in the core schema.
  if (letter && !'nNtTfF'.includes(value[0] ?? '')) {
    const scalar = new Scalar(value);
    scalar.type = Scalar.PLAIN;
    return scalar;
  }
  const tag = (schema.tags as Tag[]).find((t) => t.default === true && t.test?.test(value) === true);
  let scalar: Scalar;
  if (tag?.resolve === undefined) scalar = new Scalar(value);
  else {
    const res = tag.resolve(value, (message: string) => unsupported(message), options);
    scalar = isScalar(res) ? (res as Scalar) : new Scalar(res);
    if (tag.format) scalar.format = tag.format;
  }
  scalar.type = Scalar.PLAIN;
  return scalar;
}

/** yaml's unfoldLines: a multi-line plain scalar, lines joined by a space, blank lines kept as newlines. */
export function unfoldLines(source: string): string {
  const lines = source.split('\n');
  if (lines.length === 1) return source;
  let res = (lines[0] ?? '').replace(/ +$/, '');
  let sep = ' ';
  for (let i = 1; i < lines.length - 1; i++) {
    const lm = (lines[i] ?? '').trim();
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
  }
  return res + sep + (lines[lines.length - 1] ?? '').replace(/^ +/, '');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** The value of a one-line double-quoted scalar (`source` with its quotes). */
export function doubleQuoted(source: string): string {
  if (!source.includes('\\')) return source.slice(1, -1);
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i] as string;
    if (ch !== '\\') {
      res += ch;
      continue;
    }
    const next = source[++i] as string;
    const escaped = ESCAPES[next];
    if (escaped !== undefined) res += escaped;
    else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const code = source.substr(i + 1, length);
      if (code.length !== length || !/^[0-9a-fA-F]+$/.test(code)) unsupported('bad escape');
      const point = parseInt(code, 16);
      if (point > 0x10ffff) unsupported('bad escape');
      res += String.fromCodePoint(point);
      i += length;
    } else unsupported('bad escape');
  }
  return res;
}

/**
 * A block scalar's value, as resolveBlockScalar computes it, for the cases the reader accepts:
 * no indentation indicator, clip or strip chomping, content lines (already split, without
 * their newlines) all at least as indented as the first, no tabs or carriage returns.
 */
export function blockScalar(folded: boolean, strip: boolean, lines: readonly string[]): string {
  let trimIndent = -1;
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (const line of lines) {
    const content = line.trimStart();
    const indent = line.length - content.length;
    if (trimIndent < 0) trimIndent = indent;
    if (!folded) {
      value += sep + line.slice(trimIndent);
      sep = '\n';
    } else if (indent > trimIndent) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + line.slice(trimIndent);
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  return strip ? value : value + '\n';
}
