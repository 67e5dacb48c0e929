/** Every semantic rule, run on each domain; all diagnostics are collected before the IR is built. */
import { apply } from './apply.js';
import { constraints } from './constraints.js';
import { defaults } from './defaults.js';
import { duplicateNames } from './duplicate-names.js';
import { enumValues } from './enum-values.js';
import { lifecycle } from './lifecycle.js';
import { personalData } from './personal-data.js';
import { reservedNames } from './reserved-names.js';
import type { Rule } from './rule.js';
import { typeReferences } from './type-references.js';
import { valueObjectCycles } from './value-object-cycles.js';
import { versions } from './versions.js';

export const rules: readonly Rule[] = [
  reservedNames,
  duplicateNames,
  typeReferences,
  constraints,
  defaults,
  enumValues,
  valueObjectCycles,
  versions,
  lifecycle,
  apply,
  personalData,
];
