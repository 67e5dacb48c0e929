/** EF408 an enum value listed twice (or twice up to case). */
import type { Diagnostic } from '../../diagnostics.js';
import { errorAt } from '../../load/source-doc.js';
import type { Rule } from './rule.js';

export const enumValues: Rule = ({ domain }) => {
  const diagnostics: Diagnostic[] = [];
  for (const decl of domain.types) {
    if (decl.kind !== 'enum') continue;
    const seen = new Map<string, string>();
    for (const value of decl.values) {
      const first = seen.get(value.value.toLowerCase());
      if (first === undefined) {
        seen.set(value.value.toLowerCase(), value.value);
        continue;
      }
      const same = first === value.value;
      diagnostics.push(
        errorAt(
          domain.file,
          value.range,
          'EF408',
          same
            ? `enum ${decl.name.value} lists "${value.value}" twice`
            : `enum ${decl.name.value} lists "${value.value}" and "${first}", which differ only by case`,
          'each value appears once; remove the repeated one',
        ),
      );
    }
  }
  return diagnostics;
};
