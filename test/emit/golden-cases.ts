/**
 * The golden cases of the TypeScript emitters: every example schema (through `compile()`) and
 * the hand-built Kitchen IR. An example schema's golden files are its checked-in output in
 * generated/ (rewritten by `eventforge generate`); Kitchen's are in
 * test/fixtures/golden/kitchen/expected/ (rewritten by `npx tsx test/emit/golden-cases.ts`, or
 * UPDATE_GOLDEN=1 with the golden test).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emitters } from '../../generator/emit/index.js';
import type { GeneratedFile } from '../../generator/emit/types.js';
import { compile } from '../../generator/index.js';
import { kebabCase } from '../../generator/ir/naming.js';
import { kitchenDomain } from './kitchen-domain.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden');
/** From test/fixtures/golden/kitchen/expected back to the repository root. */
const KITCHEN_OUT_TO_CWD = '../../../../..';

/** The files the golden test compares: those of the types, transcoders, descriptors, aggregates, index and validators emitters. */
export const OWN_FILE = /\/(types|transcoders|descriptors|aggregates|index)\.ts$|\/validators\.(js|d\.ts)$/;

export interface GoldenCase {
  readonly name: string;
  readonly files: () => GeneratedFile[];
}

function schemaCase(file: string): GoldenCase {
  return {
    name: kebabCase(file.replace(/\.domain\.yaml$/, '')),
    files: () => {
      const path = `schemas/${file}`;
      const result = compile({ sources: [{ path, text: readFileSync(join(ROOT, path), 'utf8') }], outToCwd: '..' });
      if (result.diagnostics.some((d) => d.severity === 'error')) {
        throw new Error(`${path} does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
      }
      return [...result.files];
    },
  };
}

const kitchenCase: GoldenCase = {
  name: 'kitchen',
  files: () =>
    emitters
      .flatMap((e) =>
        e.emit(
          { kind: 'project', domains: [kitchenDomain] },
          { runtimeImport: 'eventforge/runtime', outToCwd: KITCHEN_OUT_TO_CWD },
        ),
      )
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
};

export const SCHEMA_FILES = readdirSync(join(ROOT, 'schemas'))
  .filter((f) => f.endsWith('.domain.yaml'))
  .sort();

export const goldenCases: readonly GoldenCase[] = [...SCHEMA_FILES.map(schemaCase), kitchenCase];

/**
 * The files a case keeps: those of {@link OWN_FILE}, plus the upcasters its transcoders import. Other
 * emitters' artifacts stay out, so their changes never leave stale code in these fixtures.
 */
export function codeFiles(files: readonly GeneratedFile[]): GeneratedFile[] {
  return files.filter((f) => OWN_FILE.test(`/${f.path}`) || f.path.endsWith('/upcasters.ts'));
}

/** Where a case's expected files are: generated/ for an example schema, the fixture for Kitchen. */
export function expectedDir(caseName: string): string {
  return caseName === 'kitchen' ? join(GOLDEN, 'kitchen', 'expected') : join(ROOT, 'generated');
}

/** Rewrites Kitchen's expected files (an example schema's are rewritten by `eventforge generate`). */
export function writeExpected(c: GoldenCase): void {
  if (c.name !== 'kitchen') return;
  const dir = expectedDir(c.name);
  rmSync(dir, { recursive: true, force: true });
  for (const file of codeFiles(c.files())) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
}

if (process.argv[1] === import.meta.filename) {
  for (const c of goldenCases) writeExpected(c);
  console.log(`updated the Kitchen golden files in ${GOLDEN}; example schemas: run eventforge generate`);
}
