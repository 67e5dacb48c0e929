// Copies into dist/ the files the compiled code reads at run time that tsc does not emit, at the
// same place relative to the code as in the source tree (so `import.meta.url` paths hold in both).
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const ASSETS = [
  'generator/validate/shape-validator.js',
  'generator/validate/shape-validator.d.ts',
  'runtime/sql/store-schema',
  'docs/errors.md',
];
for (const path of ASSETS) cpSync(join(root, path), join(root, 'dist', path), { recursive: true });
// The language's JSON Schema also at the package root: the short path editors' modelines name
// (`node_modules/eventforge/domain.schema.json`).
cpSync(join(root, 'generator/validate/domain.schema.json'), join(root, 'domain.schema.json'));
