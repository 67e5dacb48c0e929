/**
 * Every `description:` of a schema reaches the JSDoc of what a user hovers: enums, value objects
 * and their fields, aggregates (base class and state), state fields (interface and getter),
 * events and event fields. None of the example schemas describes a field, so this compiles its
 * own schema through the public compile().
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../generator/index.js';
import { docAbove } from './doc-above.js';

const schema = `domain: Probe
types:
  Colour: { enum: [red, blue], description: The colour of a thing. }
  Size:
    description: How big a thing is.
    fields:
      metres: { type: float, min: 0, description: Length in metres. }
aggregates:
  Thing:
    description: A thing in the probe.
    state:
      fields:
        name: { type: string, description: What people call it. }
        colour: Colour?
    events:
      Made:
        description: The thing was made.
        creates: true
        fields:
          name: { type: string, maxLength: 20, description: The name it is given. }
      Painted:
        description: The thing got a new colour.
        fields: { colour: Colour }
`;

const result = compile({ sources: [{ path: 'schemas/probe.domain.yaml', text: schema }] });
const file = (name: string): string => result.files.find((f) => f.path === `probe/${name}`)?.contents ?? '';

describe('JSDoc from schema descriptions', () => {
  it('compiles', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('documents enums, value objects and their fields in types.ts', () => {
    const types = file('types.ts');
    expect(docAbove(types, /^export type Colour = /)).toBe('The colour of a thing.');
    expect(docAbove(types, /^export interface Size \{/)).toBe('How big a thing is.');
    expect(docAbove(types, /^ {2}readonly metres: number;/)).toBe('Length in metres. Constraints: at least 0.');
  });

  it('documents the aggregate, its state fields and its events in types.ts', () => {
    const types = file('types.ts');
    expect(docAbove(types, /^export type ThingState = /)).toContain('A thing in the probe.');
    expect(docAbove(types, /^ {2}readonly name: string;/)).toBe('What people call it.');
    expect(docAbove(types, /^export type Made = /)).toContain('The thing was made.');
    expect(docAbove(types, /^export type Painted = /)).toContain('The thing got a new colour.');
    const made = types.slice(types.indexOf('export interface MadeV1'));
    expect(docAbove(made, /^ {2}readonly name: string;/)).toBe(
      'The name it is given. Constraints: at most 20 characters.',
    );
  });

  it('documents the base class and the state getters in aggregates.ts', () => {
    const aggregates = file('aggregates.ts');
    expect(docAbove(aggregates, /^export abstract class ThingBase /)).toContain('A thing in the probe.');
    expect(docAbove(aggregates, /^ {2}get name\(\): string \{/)).toBe('What people call it.');
  });
});
