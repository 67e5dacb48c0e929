/**
 * A hand-built domain that uses every field type, optionals, lists, maps, nested value objects,
 * enums, defaults, constraints, every apply op, a custom handler and a 2-version event.
 */
import type { DomainDef } from '../../generator/ir/model.js';
import {
  aggregate,
  domain,
  enumDef,
  enumRef,
  event,
  field,
  list,
  map,
  scalar,
  valueObject,
  vo,
} from './ir-builders.js';

const D = 'Kitchen';

export const kitchenDomain: DomainDef = domain(D, {
  description: 'Every field type.',
  enums: [enumDef('Colour', ['red', 'green', 'blue'])],
  valueObjects: [
    valueObject(
      'Price',
      [field('amount', scalar('decimal'), { constraints: { minText: '0' } }), field('colour', enumRef('Colour'))],
      'A price.',
    ),
    valueObject('Tag', [
      field('label', scalar('string'), { constraints: { minLength: 1, maxLength: 10 } }),
      field('price', vo('Price'), { optional: true }),
    ]),
  ],
  aggregates: [
    aggregate(
      D,
      'Sink',
      [
        [
          field('name', scalar('string')),
          field('count', scalar('int'), { default: 0 }),
          field('total', scalar('decimal'), { default: '0' }),
          field('big', scalar('bigint'), { default: '0' }),
          field('tags', list(vo('Tag'))),
          field('labels', list(scalar('string'))),
          field('prices', map(vo('Price'))),
          field('colour', enumRef('Colour'), { optional: true }),
        ],
      ],
      [
        event(
          D,
          'Sink',
          'Installed',
          [
            [
              field('name', scalar('string'), { constraints: { minLength: 1, maxLength: 20, pattern: '^[a-z]+$' } }),
              field('colour', enumRef('Colour'), { optional: true }),
            ],
          ],
          {
            creates: true,
            apply: {
              kind: 'declarative',
              ops: [
                { kind: 'assign', stateField: 'name', source: { kind: 'eventField', field: 'name' } },
                { kind: 'assign', stateField: 'colour', source: { kind: 'eventField', field: 'colour' } },
              ],
            },
          },
        ),
        event(
          D,
          'Sink',
          'Everything',
          [
            [
              field('text', scalar('string'), { constraints: { maxLength: 50 } }),
              field('int', scalar('int'), { constraints: { min: 1, max: 100 } }),
              field('float', scalar('float')),
              field('decimal', scalar('decimal'), { constraints: { minText: '0.01', maxText: '1000000' } }),
              field('bigint', scalar('bigint')),
              field('flag', scalar('boolean'), { default: true }),
              field('id', scalar('uuid')),
              field('at', scalar('datetime')),
              field('day', scalar('date')),
              field('blob', scalar('bytes')),
              field('doc', scalar('json')),
              field('note', scalar('string'), { optional: true }),
              field('tags', list(vo('Tag')), { constraints: { maxLength: 5 } }),
              field('grid', list(list(scalar('int')))),
              field('amounts', map(scalar('decimal'))),
              field('colours', list(enumRef('Colour'))),
              field('price', vo('Price')),
              field('when', scalar('datetime'), { optional: true }),
            ],
          ],
          {
            description: 'Carries every field type.',
            apply: {
              kind: 'declarative',
              ops: [
                { kind: 'increment', stateField: 'count', source: { kind: 'eventField', field: 'int' } },
                { kind: 'increment', stateField: 'total', source: { kind: 'eventField', field: 'decimal' } },
                { kind: 'decrement', stateField: 'big', source: { kind: 'eventField', field: 'bigint' } },
              ],
            },
          },
        ),
        event(D, 'Sink', 'Labelled', [[field('text', scalar('string'))], [field('label', scalar('string'))]], {
          ops: [[{ kind: 'rename', field: 'label', from: 'text' }]],
          apply: {
            kind: 'declarative',
            ops: [
              { kind: 'push', stateField: 'labels', source: { kind: 'eventField', field: 'label' } },
              { kind: 'increment', stateField: 'count', source: { kind: 'constant', value: 1 } },
            ],
          },
        }),
        event(D, 'Sink', 'Unlabelled', [[field('label', scalar('string'))]], {
          apply: {
            kind: 'declarative',
            ops: [{ kind: 'remove', stateField: 'labels', source: { kind: 'eventField', field: 'label' } }],
          },
        }),
        event(D, 'Sink', 'TagAdded', [[field('tag', vo('Tag'))]], {
          apply: {
            kind: 'declarative',
            ops: [{ kind: 'push', stateField: 'tags', source: { kind: 'eventField', field: 'tag' } }],
          },
        }),
        event(D, 'Sink', 'TagRemoved', [[field('tag', vo('Tag'))]], {
          apply: {
            kind: 'declarative',
            ops: [{ kind: 'remove', stateField: 'tags', source: { kind: 'eventField', field: 'tag' } }],
          },
        }),
        event(D, 'Sink', 'Priced', [[field('key', scalar('string')), field('price', vo('Price'))]], {
          apply: { kind: 'custom' },
        }),
        event(D, 'Sink', 'Painted', [], {
          apply: {
            kind: 'declarative',
            ops: [{ kind: 'assign', stateField: 'colour', source: { kind: 'constant', value: 'blue' } }],
          },
        }),
        event(D, 'Sink', 'Removed', [], { discards: true }),
      ],
      { snapshotEvery: 10 },
    ),
  ],
});
