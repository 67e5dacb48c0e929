/** Every semantic rule, run in this order on each domain; all diagnostics are collected. */
import type { Rule } from './rule.js';

export const rules: readonly Rule[] = [];
