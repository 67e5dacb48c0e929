/** How the generated files describe a view column that holds personal data (docs/views.md, "Personal data in views"). */
import type { FieldDef } from '../../ir/model.js';

/** What a personal column's docs say: it is personal, and what it holds once its subject is forgotten. */
export function personalNote(column: FieldDef): string | undefined {
  if (!column.pii) return undefined;
  const placeholder =
    column.redacted === undefined || column.redacted === null ? 'null' : JSON.stringify(column.redacted);
  return `Personal data: ${placeholder} once its subject is forgotten.`;
}
