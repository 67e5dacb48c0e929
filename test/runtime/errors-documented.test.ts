/** Every error class the runtime exports has a row in the errors table of docs/runtime.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../runtime/index.js';

describe('docs/runtime.md lists every runtime error', () => {
  it('has a row per exported subclass of EventforgeError', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/runtime.md'), 'utf8');
    const errors = Object.entries(runtime)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof runtime.EventforgeError)
      .map(([name]) => name);
    expect(errors).toContain('ClosedError');
    expect(errors.filter((name) => !docs.includes(`| \`${name}\``))).toEqual([]);
  });
});
