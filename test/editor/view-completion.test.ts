/** Completion inside `views:` (cli/lsp/completion.ts), at positions marked `|` in a half-typed schema. */
import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../cli/lsp/completion.js';

const SCHOOL = `domain: School
aggregates:
  Dog:
    state:
      fields: { name: string }
    events:
      Registered: { creates: true, fields: { name: string, age: int } }
      Renamed: { fields: { name: string } }
views:
  Dogs:
    columns:
      dogId: uuid
      name: string
    key: [dogId]
    on:
      Registered: { insert: { dogId: $id, name: { field: name } } }
`;

function labelsAt(marked: string): string[] {
  const offset = marked.indexOf('|');
  return completionsAt(marked.replace('|', ''), offset).map((c) => c.label);
}

describe('completion in views', () => {
  it('offers the keys of a view from the language schema', () => {
    expect(labelsAt(SCHOOL.replace('    key: [dogId]', '    key: [dogId]\n    |'))).toEqual(
      expect.arrayContaining(['description', 'table', 'indexes', 'unique']),
    );
  });

  it('offers the domain’s events under on:, the view’s columns as keys of an operation', () => {
    expect(labelsAt(SCHOOL.replace('      Registered: { insert', '      |\n      Registered: { insert'))).toEqual([
      'Renamed',
    ]);
    expect(labelsAt(`${SCHOOL}      Renamed:\n        update:\n          |\n`)).toEqual(['dogId', 'name']);
  });

  it('offers the event’s fields in { field: … }, columns in key lists, types for columns', () => {
    expect(labelsAt(SCHOOL.replace('{ field: name }', '{ field: | }'))).toEqual(['name', 'age']);
    expect(labelsAt(SCHOOL.replace('key: [dogId]', 'key: [|]'))).toEqual(['dogId', 'name']);
    expect(labelsAt(SCHOOL.replace('dogId: uuid', 'dogId: |'))).toEqual(expect.arrayContaining(['uuid', 'datetime']));
  });
});
