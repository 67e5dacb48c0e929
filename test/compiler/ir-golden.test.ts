/**
 * Golden snapshots of the IR of every example schema: test/fixtures/ir/<schema>.json.
 * `UPDATE_GOLDEN=1 npx vitest run test/compiler` rewrites them (review the diff).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { irViolations } from './ir-invariants.js';

const repo = join(import.meta.dirname, '..', '..');
const goldenDir = join(repo, 'test', 'fixtures', 'ir');
const schemas = readdirSync(join(repo, 'schemas'))
  .filter((f) => f.endsWith('.domain.yaml'))
  .sort();
const update = process.env['UPDATE_GOLDEN'] === '1';

/** Raise this when adding an example schema (and commit its golden). */
const EXAMPLE_SCHEMAS = 7;

describe('IR goldens of the example schemas', () => {
  it(`covers all ${EXAMPLE_SCHEMAS} example schemas, each with a golden`, () => {
    expect(schemas.length).toBe(EXAMPLE_SCHEMAS);
    const goldens = readdirSync(goldenDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(goldens).toEqual(schemas.map((s) => s.replace(/\.domain\.yaml$/, '.json')));
  });

  it.each(schemas)('%s', (schema) => {
    const path = `schemas/${schema}`;
    const result = compile({ sources: [{ path, text: readFileSync(join(repo, path), 'utf8') }], skipEmit: true });
    expect(result.diagnostics).toEqual([]);
    expect(result.project && irViolations(result.project)).toEqual([]);
    const json = JSON.stringify(result.project, null, 2) + '\n';
    const golden = join(goldenDir, schema.replace(/\.domain\.yaml$/, '.json'));
    if (update) writeFileSync(golden, json);
    expect(existsSync(golden), `${golden} is missing; create it with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(json).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('irViolations', () => {
  it('finds a broken contract (so the checks above can fail)', () => {
    const text = readFileSync(join(repo, 'schemas', 'bank.domain.yaml'), 'utf8');
    const project = compile({ sources: [{ path: 'bank.domain.yaml', text }], skipEmit: true }).project;
    if (project === undefined) throw new Error('bank must compile');
    const domain = project.domains[0];
    const account = domain?.aggregates[0];
    if (domain === undefined || account === undefined) throw new Error('bank has an aggregate');
    const broken = {
      ...project,
      domains: [
        {
          ...domain,
          aggregates: [
            {
              ...account,
              events: [...account.events].reverse(),
              state: { ...account.state, versions: account.state.versions.slice(1) },
            },
          ],
        },
      ],
    };
    expect(irViolations(broken)).toEqual([
      'domain Bank Account: events sorted',
      'domain Bank Account state: versions 1..2',
    ]);
  });
});
