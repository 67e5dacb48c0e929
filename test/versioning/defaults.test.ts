/**
 * Every kind of default an upcast step fills (int, float, decimal, bigint, boolean, datetime,
 * date, bytes, json, enum, value object, list, map, uuid), and a custom upcaster of an optional
 * field, generated for a real schema: the
 * output type-checks, and decoding a v1 payload through it yields the typed defaults, each a
 * fresh value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/compile.js';
import type { PayloadCodec } from '../../runtime/codec.js';
import { tempProject, type TempProject } from './support/temp-project.js';

const schemaPath = 'test/fixtures/versioning/defaults/gadgets.domain.yaml';
let project: TempProject;
let tunedCodec: PayloadCodec<Record<string, unknown>>;

beforeAll(async () => {
  const result = compile({ sources: [{ path: schemaPath, text: readFileSync(schemaPath, 'utf8') }] });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  project = tempProject(result.files.filter((f) => f.path.startsWith('gadgets/')));
  // The generated upcasters import the custom module by its path relative to the schema.
  project.write(
    'test/fixtures/versioning/defaults/gadgets.upcasters.ts',
    readFileSync('test/fixtures/versioning/defaults/gadgets.upcasters.ts', 'utf8'),
  );
  const transcoders = (await import(pathToFileURL(join(project.dir, 'generated/gadgets/transcoders.ts')).href)) as {
    tunedCodec: PayloadCodec<Record<string, unknown>>;
  };
  tunedCodec = transcoders.tunedCodec;
});
afterAll(() => project.remove());

describe('upcast defaults of every type', () => {
  it('type-check', () => {
    const { code, output } = project.typecheck();
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('decode a v1 payload into typed defaults, dropping the removed field', () => {
    const data = tunedCodec.decode({ kept: 'k', gone: 7 }, 1);
    expect(data['kept']).toBe('k');
    expect('gone' in data).toBe(false);
    expect('note' in data).toBe(false);
    expect(data['level']).toBe(3);
    expect(data['ratio']).toBe(0.5);
    expect(data['price']).toBeInstanceOf(Decimal);
    expect((data['price'] as Decimal).equals(new Decimal('1.5'))).toBe(true);
    expect(data['big']).toBe(12345678901234567890n);
    expect(data['enabled']).toBe(true);
    expect(data['at']).toEqual(new Date('2024-01-01T10:00:00.000Z'));
    expect(data['day']).toBe('2024-01-01');
    expect(data['blob']).toEqual(new Uint8Array([1, 2, 3]));
    expect(data['meta']).toEqual({ a: [1, "x's"] });
    expect(data['color']).toBe('green');
    expect(data['dim']).toEqual({ w: 2, h: 1 });
    expect(data['tags']).toEqual(['a']);
    expect(data['limits']).toEqual({});
    expect(data['code']).toBe('0b8f5d1e-4a0b-4c4e-9a43-0d7b5e2f6a10');
    // The result is a valid current-version payload: it survives an encode/decode round trip.
    expect(tunedCodec.encode(tunedCodec.decode(tunedCodec.encode(data), 2))).toEqual(tunedCodec.encode(data));
  });

  it('set an optional field a custom upcaster computes only when it returns a value', () => {
    expect(tunedCodec.decode({ kept: 'k', gone: 1 }, 1)['nick']).toBe('K');
    expect('nick' in tunedCodec.decode({ kept: '', gone: 1 }, 1)).toBe(false);
  });

  it('give every read fresh mutable defaults (no shared objects between payloads)', () => {
    const a = tunedCodec.decode({ kept: 'a', gone: 1 }, 1);
    const b = tunedCodec.decode({ kept: 'b', gone: 2 }, 1);
    for (const field of ['tags', 'limits', 'dim', 'meta', 'blob', 'at', 'price'])
      expect(a[field], field).not.toBe(b[field]);
  });
});
