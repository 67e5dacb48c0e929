/**
 * The known-safe widenings (int → float, uuid/date/enum → string, enum → a wider enum, lists
 * and maps of those, required → optional) are derived as plain copies: the generated step
 * type-checks without any upcaster, says what it widened, and reads a v1 payload as v2 unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../generator/compile.js';
import type { PayloadCodec } from '../../runtime/codec.js';
import { tempProject, type TempProject } from './support/temp-project.js';

const schemaPath = 'test/fixtures/versioning/widenings/meters.domain.yaml';
let project: TempProject;
let upcasters: string;
let readCodec: PayloadCodec<Record<string, unknown>>;

beforeAll(async () => {
  const result = compile({ sources: [{ path: schemaPath, text: readFileSync(schemaPath, 'utf8') }] });
  expect(result.diagnostics).toEqual([]);
  upcasters = result.files.find((f) => f.path === 'meters/upcasters.ts')?.contents ?? '';
  project = tempProject(result.files.filter((f) => f.path.startsWith('meters/')));
  const transcoders = (await import(pathToFileURL(join(project.dir, 'generated/meters/transcoders.ts')).href)) as {
    readCodec: PayloadCodec<Record<string, unknown>>;
  };
  readCodec = transcoders.readCodec;
});
afterAll(() => project.remove());

describe('known-safe widenings', () => {
  it('type-check as plain copies, with no custom upcaster', () => {
    expect(upcasters).not.toContain('custom');
    // nick was required in v1, so it is always present: a plain copy into the literal too.
    for (const field of ['count', 'serial', 'day', 'size', 'grade', 'levels', 'scores', 'grades', 'nick']) {
      expect(upcasters).toContain(`${field}: previous.${field},`);
    }
    const { code, output } = project.typecheck();
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('are listed in the step’s comment', () => {
    const widened = [
      'count from int to float',
      'serial from uuid to string',
      'day from date to string',
      'size from Small to string',
      'grade from Small to Big',
      'levels from int[] to float[]',
      'scores from map<int> to map<float>',
      'grades from Small[] to Big[]',
      'nick from string to string?',
    ];
    for (const line of widened) {
      expect(upcasters).toContain(` * - widens ${line}\n`);
    }
  });

  it('read a v1 payload as v2 with every value unchanged', () => {
    const v1 = {
      count: 3,
      serial: '0b8f5d1e-4a0b-4c4e-9a43-0d7b5e2f6a10',
      day: '2024-02-29',
      size: 'b',
      grade: 'a',
      levels: [1, 2],
      scores: { x: 7 },
      grades: ['b', 'a'],
      nick: 'n',
    };
    expect(readCodec.encode(readCodec.decode(v1, 1))).toEqual(v1);
  });
});
