/**
 * Fault injection over the example schemas: each schema as written is the released revision,
 * and every single edit that changes what a stored payload decodes to (or which topic it is
 * stored under) must be refused by `check` or by `check --against` that release. Compatible
 * edits must pass both, so the refusals are not the test's own doing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { compareRevisions } from '../../generator/against/index.js';
import { compile, type Diagnostic, type ProjectDef } from '../../generator/index.js';
import { applySchemaEdit, compatibleEdits, decodeChangingEdits, type SchemaEdit } from './support/schema-mutations.js';

const schemas = readdirSync('schemas')
  .filter((f) => f.endsWith('.domain.yaml'))
  .sort()
  .map((f) => ({ path: `schemas/${f}`, text: withoutViews(readFileSync(`schemas/${f}`, 'utf8')) }));

/**
 * The schema without its views: they read the events but are rebuilt from the log, so what an
 * edit does to them is no question of stored data (a view that reads a field made optional is
 * refused with its own code, EF602).
 */
function withoutViews(text: string): string {
  const doc = parseDocument(text);
  doc.delete('views');
  return doc.toString();
}

function compileOne(path: string, text: string): { project?: ProjectDef | undefined; errors: Diagnostic[] } {
  const result = compile({ sources: [{ path, text }], skipEmit: true });
  return { project: result.project, errors: result.diagnostics.filter((d) => d.severity === 'error') };
}

const releases = new Map<string, ProjectDef>();

/** The codes that refuse the edited schema: from `check`, else from `check --against` the original. */
function refusal(schema: { path: string; text: string }, edit: SchemaEdit): string[] {
  const released = releases.get(schema.path) ?? compileOne(schema.path, schema.text).project;
  if (released === undefined) throw new Error(`${schema.path} does not compile`);
  releases.set(schema.path, released);
  const edited = compileOne(schema.path, applySchemaEdit(schema.text, edit));
  if (edited.errors.length > 0 || edited.project === undefined) return edited.errors.map((d) => `check ${d.code}`);
  const found = compareRevisions(released, edited.project, { revisionLabel: 'the release' }).filter(
    (d) => d.severity === 'error',
  );
  return found.map((d) => `against ${d.code}`);
}

const breaking = schemas.flatMap((schema) => decodeChangingEdits(schema.text).map((edit) => ({ schema, edit })));
const compatible = schemas.flatMap((schema) => compatibleEdits(schema.text).map((edit) => ({ schema, edit })));

describe('fault injection over the example schemas', () => {
  it('the edit machinery keeps an unedited schema as it was (it compiles and compares equal)', () => {
    const none: SchemaEdit = { kind: 'none', where: '', apply: () => {} };
    for (const schema of schemas) expect(refusal(schema, none), schema.path).toEqual([]);
  });

  it('tries every kind of decode-changing edit, each at least once', () => {
    expect([...new Set(breaking.map((b) => b.edit.kind))].sort()).toEqual([
      'add a field with a default in place',
      'add a required field in place',
      'bump a version without history',
      'change a default',
      'change an upcast entry',
      'compute a field of a released step with `using:`',
      'lower a version',
      'make an optional field required',
      'remove a field',
      'remove a history entry',
      'remove an enum value',
      'remove an event',
      'remove an upcast entry',
      'rename a field without `rename:`',
      'rename an aggregate',
      'rename an enum value',
      'rename an event',
      'rename the domain',
      'retype a field',
    ]);
  });

  describe(`refuses all ${breaking.length} edits that change what stored data decodes to`, () => {
    it.each(schemas.map((schema) => [schema.path, breaking.filter((b) => b.schema === schema)] as const))(
      '%s: every one of its edits',
      (_, edits) => {
        expect(edits.length).toBeGreaterThan(0);
        const accepted = edits
          .filter(({ schema, edit }) => refusal(schema, edit).length === 0)
          .map(({ edit }) => `${edit.kind} — ${edit.where}`);
        expect(accepted).toEqual([]);
      },
      120_000,
    );
  });

  it(`accepts all ${compatible.length} compatible edits (new versions with their history, additions, tighter constraints)`, {
    timeout: 120_000,
  }, () => {
    const refused = compatible
      .map(({ schema, edit }) => ({ edit, codes: refusal(schema, edit) }))
      .filter((r) => r.codes.length > 0)
      .map(({ edit, codes }) => `${edit.kind} — ${edit.where}: ${codes.join(', ')}`);
    expect(refused).toEqual([]);
    expect(new Set(compatible.map((c) => c.edit.kind)).size).toBe(7);
  });

  it('refuses a version bump without history in `check` itself, with EF300 (no --against needed)', () => {
    const bumps = breaking.filter((b) => b.edit.kind === 'bump a version without history');
    expect(bumps.length).toBeGreaterThan(20);
    for (const { schema, edit } of bumps) expect(refusal(schema, edit), edit.where).toContain('check EF300');
  });
});
