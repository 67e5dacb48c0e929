/**
 * generator/validate/shape-validator.js is ajv's standalone compilation of domain.schema.json,
 * checked in so that no run compiles the JSON Schema. It must be what the build script makes of
 * the current schema and ajv (else: `npm run build:schema-validator`), and it must report
 * exactly the errors ajv's runtime compilation of the schema reports (shape.ts turns their
 * data and parent schemas into diagnostics).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  SHAPE_VALIDATOR_PATH,
  shapeAjv,
  shapeValidatorSource,
} from '../../generator/validate/build-shape-validator.js';
import schema from '../../generator/validate/domain.schema.json' with { type: 'json' };
import { validate } from '../../generator/validate/shape-validator.js';

const repo = join(import.meta.dirname, '..', '..');

/** Every schema document the repository holds: the invalid corpus, the examples, the goldens. */
function documents(): { name: string; data: unknown }[] {
  const files: string[] = [];
  const invalid = join(repo, 'test', 'fixtures', 'invalid');
  for (const name of readdirSync(invalid)) files.push(join(invalid, name, 'input.domain.yaml'));
  for (const name of readdirSync(join(repo, 'schemas')))
    if (name.endsWith('.domain.yaml')) files.push(join(repo, 'schemas', name));
  return files.flatMap((file) => {
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: new LineCounter(), uniqueKeys: true });
    if (doc.errors.length > 0) return [];
    return [{ name: file.slice(repo.length + 1), data: doc.toJS({ maxAliasCount: 100 }) as unknown }];
  });
}

/** Variants of a document with one value replaced by a wrong one, or one stray key added, at every path. */
function mutations(data: unknown): unknown[] {
  const variants: unknown[] = [];
  const visit = (node: unknown, replace: (value: unknown) => unknown): void => {
    for (const wrong of [null, 0, 'Not valid!', [], {}, true]) variants.push(replace(wrong));
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, (value) => replace(node.map((x, j) => (j === i ? value : x)))));
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      variants.push(replace({ ...record, strayKey: 1 }));
      for (const key of Object.keys(record)) visit(record[key], (value) => replace({ ...record, [key]: value }));
    }
  };
  visit(data, (value) => value);
  return variants;
}

describe('shape-validator.js (domain.schema.json, precompiled)', () => {
  it('is up to date with domain.schema.json and ajv: else run `npm run build:schema-validator`', () => {
    expect(
      readFileSync(SHAPE_VALIDATOR_PATH, 'utf8') === shapeValidatorSource(),
      'generator/validate/shape-validator.js is stale: run `npm run build:schema-validator`',
    ).toBe(true);
  });

  it('reports the same errors as ajv compiling the schema at run time, on every schema document of the repository', () => {
    const runtime = shapeAjv().compile(schema);
    const docs = documents();
    expect(docs.length).toBeGreaterThan(40);
    let invalid = 0;
    for (const { name, data } of docs) {
      const expected = runtime(data);
      expect(validate(data), name).toBe(expected);
      if (!expected) invalid++;
      expect(validate.errors ?? null, name).toEqual(runtime.errors ?? null);
    }
    // And every one-value mutation of the example schemas (thousands of invalid documents).
    for (const { name, data } of docs.filter((d) => d.name.startsWith('schemas'))) {
      for (const variant of mutations(data)) {
        const expected = runtime(variant);
        expect(validate(variant), name).toBe(expected);
        if (!expected) invalid++;
        expect(validate.errors ?? null, name).toEqual(runtime.errors ?? null);
      }
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});
