/**
 * EF202 reserved words and names generated code already uses; EF203 state fields that would
 * collide with the members of the generated aggregate class (state fields become its getters).
 */
import type { Diagnostic } from '../../diagnostics.js';
import { handlerMethodName, triggerMethodName } from '../../ir/naming.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';
import { fieldLists } from './walk.js';

/** TypeScript's reserved and strict-mode words, plus names that are hazardous as object keys. */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'implements',
  'interface',
  'let',
  'package',
  'private',
  'protected',
  'public',
  'static',
  'yield',
  'await',
  'arguments',
  'eval',
  'undefined',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
]);

/**
 * Type names the generated files import or rely on (runtime exports, decimal.js, TypeScript's
 * globals): a value object or enum of that name would shadow them. test/compiler/reserved-names
 * checks that every PascalCase name generated files import is listed here.
 */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Aggregate',
  'AggregateClass',
  'AggregateDescriptor',
  'AggregateSnapshot',
  'Application',
  'DecodeAt',
  'Decimal',
  'DomainDescriptor',
  'DomainEvent',
  'EventDescriptor',
  'FieldReader',
  'JsonValue',
  'LoggedEvent',
  'Mutable',
  'PayloadCodec',
  'REDACTED',
  'Redacted',
  'Repository',
  'SchemaValidator',
  'SqlExecutor',
  'ViewDefinition',
  'ViewProjection',
  'ViewStore',
  'ViewTransaction',
  'Array',
  'BigInt',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'JSON',
  'Map',
  'Math',
  'Number',
  'Object',
  'Partial',
  'Promise',
  'Readonly',
  'ReadonlyArray',
  'Record',
  'RegExp',
  'Set',
  'String',
  'Symbol',
  'Uint8Array',
]);

/** Members of the runtime's Aggregate base class and of every generated aggregate class. */
export const AGGREGATE_MEMBERS: ReadonlySet<string> = new Set([
  'id',
  'version',
  'createdOn',
  'modifiedOn',
  'isDiscarded',
  'pendingEvents',
  'state',
  'aggregateName',
  'mutate',
  'isDiscarding',
  'triggerEvent',
  'applyEvent',
  'restoreSnapshot',
  'takeSnapshot',
  'collectEvents',
  'descriptor',
]);

export const reservedNames: Rule = ({ domain }) => {
  const diagnostics: Diagnostic[] = [];
  const file = domain.file;
  for (const decl of domain.types) {
    if (RESERVED_TYPE_NAMES.has(decl.name.value)) {
      diagnostics.push(
        errorAt(
          file,
          decl.name.range,
          'EF202',
          `type name "${decl.name.value}" is reserved: generated code uses it already`,
          `rename it, e.g. "${decl.name.value}Value" or a name from the domain`,
        ),
      );
    }
  }
  for (const aggregate of domain.aggregates) {
    if (RESERVED_TYPE_NAMES.has(aggregate.name.value)) {
      diagnostics.push(
        errorAt(
          file,
          aggregate.name.range,
          'EF202',
          `aggregate name "${aggregate.name.value}" is reserved: generated code uses it already`,
          'rename the aggregate',
        ),
      );
    }
    for (const event of aggregate.events) {
      if (RESERVED_TYPE_NAMES.has(event.name.value)) {
        diagnostics.push(
          errorAt(
            file,
            event.name.range,
            'EF202',
            `event name "${event.name.value}" is reserved: generated code uses it already`,
            'rename the event (events are named in the past tense, e.g. `Opened`)',
          ),
        );
      }
    }
  }
  const methods = new Map<string, Set<string>>();
  for (const aggregate of domain.aggregates) {
    methods.set(
      aggregate.name.value,
      new Set(aggregate.events.flatMap((e) => [triggerMethodName(e.name.value), handlerMethodName(e.name.value)])),
    );
  }
  for (const list of fieldLists(domain)) {
    for (const field of list.fields) {
      const name = field.name.value;
      if (RESERVED_FIELD_NAMES.has(name)) {
        diagnostics.push(
          errorAt(
            file,
            field.name.range,
            'EF202',
            `field name "${name}" of ${list.label} is a reserved word`,
            `rename it, e.g. "${name}Value"`,
          ),
        );
      } else if (
        list.isCurrentState === true &&
        (AGGREGATE_MEMBERS.has(name) || methods.get(list.aggregate ?? '')?.has(name) === true)
      ) {
        diagnostics.push(
          errorAt(
            file,
            field.name.range,
            'EF203',
            `state field "${name}" of ${list.aggregate} clashes with the member \`${name}\` of the generated aggregate class`,
            `state fields become getters of the class; rename it, e.g. "${list.aggregate?.charAt(0).toLowerCase()}${list.aggregate?.slice(1)}${name.charAt(0).toUpperCase()}${name.slice(1)}"`,
          ),
        );
      }
    }
  }
  return diagnostics;
};
