/**
 * EF300 a version missing from history (an event at version n needs 1..n-1, also when it has
 * no history at all), EF301 a history
 * entry at or above the current version, EF302 history on a payload without `version`,
 * EF310 `using:` upcasters in a domain without an `upcasters` module, EF311 (warning) an
 * `upcasters` module nothing uses. What an upcast entry says is judged by deriveUpcastStep.
 */
import type { Diagnostic } from '../../diagnostics.js';
import type { RawPayload } from '../../load/raw-model.js';
import { errorAt, warningAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const versions: Rule = ({ domain }) => {
  const diagnostics: Diagnostic[] = [];
  const file = domain.file;
  const payloads: { label: string; payload: RawPayload }[] = [];
  for (const aggregate of domain.aggregates) {
    payloads.push({ label: `the state of ${aggregate.name.value}`, payload: aggregate.state });
    for (const event of aggregate.events)
      payloads.push({ label: `event ${aggregate.name.value}.${event.name.value}`, payload: event.payload });
  }
  let usings = 0;
  for (const { label, payload } of payloads) {
    const history = [...payload.history].sort((a, b) => a.version.value - b.version.value);
    for (const entry of history) {
      for (const upcast of entry.upcast) {
        if (upcast.using === undefined) continue;
        usings += 1;
        if (domain.upcasters === undefined) {
          diagnostics.push(
            errorAt(
              file,
              upcast.using.range,
              'EF310',
              `the upcast of "${upcast.field.value}" under version ${entry.version.value} of ${label} uses function "${upcast.using.value}", but the domain names no \`upcasters\` module`,
              `add \`upcasters: ./${kebab(domain.name.value)}.upcasters.ts\` under \`domain:\` and export ${upcast.using.value} from it`,
            ),
          );
        }
      }
    }
    const last = history[history.length - 1]?.version.value ?? 1;
    if (payload.version === undefined) {
      const first = history[0];
      if (first !== undefined) {
        diagnostics.push(
          errorAt(
            file,
            first.version.range,
            'EF302',
            `${label} has history but no \`version\`, so it is at version 1 and has no earlier versions`,
            `set \`version: ${last + 1}\` next to \`fields\` (one above the last history entry)`,
          ),
        );
      }
      continue;
    }
    const current = payload.version.value;
    for (const entry of history) {
      if (entry.version.value >= current) {
        diagnostics.push(
          errorAt(
            file,
            entry.version.range,
            'EF301',
            `history of ${label} holds version ${entry.version.value}, but the current version is ${current}`,
            `history holds only ${current === 2 ? 'version 1' : `versions 1 to ${current - 1}`} here; raise \`version\` to ${last + 1} if version ${entry.version.value} is an older one`,
          ),
        );
      }
    }
    const present = new Set(history.map((h) => h.version.value));
    const missing = range(current - 1).filter((v) => !present.has(v));
    if (missing.length > 0) {
      // Without the earlier versions' fields no decoder exists for data stored at them.
      const message =
        history.length === 0
          ? `${label} is at version ${current}, but it has no \`history\`, so data stored at version${missing.length > 1 ? `s 1..${current - 1}` : ' 1'} could not be read`
          : `${label} is at version ${current}, but its history lacks version${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
      const hint =
        history.length === 0
          ? `declare every earlier version: add \`history: { ${missing[0]}: { fields: { … } } }\` with the fields version ${missing[0]} had${missing.length > 1 ? `, and so on up to ${current - 1}` : ''}; if nothing was ever stored at another version, remove \`version\``
          : `every earlier version must be declared so stored data can be upcast: add \`${missing[0]}: { fields: { … } }\` under \`history\``;
      diagnostics.push(errorAt(file, payload.version.range, 'EF300', message, hint));
    }
  }
  if (domain.upcasters !== undefined && usings === 0) {
    diagnostics.push(
      warningAt(
        file,
        domain.upcasters.range,
        'EF311',
        `the domain names upcasters module "${domain.upcasters.value}", but no upcast uses a function`,
        'remove `upcasters:` until some `upcast` entry says `using:`',
      ),
    );
  }
  return diagnostics;
};

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, Math.min(n, 10_000)) }, (_, i) => i + 1);
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
