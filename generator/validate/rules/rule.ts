/** The contract of a semantic rule: one concern, a function from a read domain to diagnostics. */
import type { Diagnostic } from '../../diagnostics.js';
import type { RawDomain } from '../../load/raw-model.js';
import type { TypeTable } from '../../ir/resolve-types.js';

export interface RuleContext {
  readonly domain: RawDomain;
  /** The domain's enums and value objects by name. */
  readonly table: TypeTable;
}

export type Rule = (ctx: RuleContext) => Diagnostic[];
