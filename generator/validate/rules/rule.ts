/** The contract of a semantic rule: one concern, a function from a read domain to diagnostics. */
import type { Diagnostic } from '../../diagnostics.js';
import type { RawDomain } from '../../load/raw-model.js';
import type { ResolvedDomain } from '../../resolve/resolve-domain.js';
import type { TypeTable } from '../../resolve/resolve-types.js';

export interface RuleContext {
  readonly domain: RawDomain;
  /** The same domain after the resolve stage: field types and applies. */
  readonly resolved: ResolvedDomain;
  /** The domain's enums and value objects by name. */
  readonly table: TypeTable;
  /** Whether a name may be a type declaration that a shape error left unreadable (not to be reported as unknown). */
  readonly brokenType: (name: string) => boolean;
  /** Whether some events of an aggregate could not be read (rules about its set of events must not guess). */
  readonly lacksEvents: (aggregate: string) => boolean;
}

export type Rule = (ctx: RuleContext) => Diagnostic[];
