/**
 * The language's JSON Schema serves ajv and editors: every property is described, and every
 * schema file's `yaml-language-server` line resolves to it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shapeAjv } from '../../generator/validate/build-shape-validator.js';

const repo = join(import.meta.dirname, '..', '..');
const schemaPath = join(repo, 'generator', 'validate', 'domain.schema.json');
const jsonSchema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

function undescribed(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) node.forEach((item, i) => undescribed(item, `${path}/${i}`, out));
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    const properties = record['properties'];
    if (typeof properties === 'object' && properties !== null) {
      for (const [key, value] of Object.entries(properties)) {
        if (typeof (value as Record<string, unknown>)['description'] !== 'string')
          out.push(`${path}/properties/${key}`);
      }
    }
    for (const [key, value] of Object.entries(record)) undescribed(value, `${path}/${key}`, out);
  }
  return out;
}

const schemaFiles = [
  ...readdirSync(join(repo, 'schemas'))
    .filter((f) => f.endsWith('.domain.yaml'))
    .map((f) => join(repo, 'schemas', f)),
  ...readdirSync(join(repo, 'test', 'fixtures', 'invalid')).map((d) =>
    join(repo, 'test', 'fixtures', 'invalid', d, 'input.domain.yaml'),
  ),
];

describe('domain.schema.json', () => {
  it('describes every property and every definition', () => {
    expect(undescribed(jsonSchema, '#', [])).toEqual([]);
    const definitions = jsonSchema['definitions'] as Record<string, Record<string, unknown>>;
    expect(
      Object.entries(definitions)
        .filter(([, d]) => typeof d['description'] !== 'string')
        .map(([n]) => n),
    ).toEqual([]);
  });

  it('is a strict draft-07 schema ajv compiles', () => {
    expect(jsonSchema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => shapeAjv().compile(jsonSchema)).not.toThrow();
  });

  it.each(schemaFiles.map((f) => [f.slice(repo.length + 1), f]))(
    '%s starts with a yaml-language-server line that resolves',
    (_, file) => {
      const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, first).not.toBeNull();
      const target = resolve(dirname(file), match?.[1] ?? '');
      expect(target).toBe(schemaPath);
      expect(existsSync(target)).toBe(true);
    },
  );
});
