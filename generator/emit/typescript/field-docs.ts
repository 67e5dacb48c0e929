/**
 * JSDoc of a field, the same on its payload property and on the aggregate's state getter:
 * description, format, constraints, default, personal data.
 */
import type { FieldDef } from '../../ir/model.js';
import { docs } from './text.js';

const FORMAT_NOTES: Partial<Record<string, string>> = {
  date: 'A calendar date, `YYYY-MM-DD`.',
  uuid: 'A UUID.',
  datetime: 'Millisecond precision; stored in UTC.',
};

/** One line listing the declared constraints and default, e.g. `Constraints: 1 to 50 characters. Default: \`''\`.` */
function constraintNote(field: FieldDef): string | undefined {
  const c = field.constraints;
  const noun = field.type.kind === 'list' ? 'item' : 'character';
  const unit = (count: number): string => (count === 1 ? noun : `${noun}s`);
  const parts: string[] = [];
  if (c.minLength !== undefined && c.maxLength !== undefined)
    parts.push(`${c.minLength} to ${c.maxLength} ${unit(c.maxLength)}`);
  else if (c.minLength !== undefined) parts.push(`at least ${c.minLength} ${unit(c.minLength)}`);
  else if (c.maxLength !== undefined) parts.push(`at most ${c.maxLength} ${unit(c.maxLength)}`);
  if (c.pattern !== undefined) parts.push(`matches \`/${c.pattern}/\``);
  const min = c.minText ?? c.min;
  const max = c.maxText ?? c.max;
  if (min !== undefined) parts.push(`at least ${min}`);
  if (max !== undefined) parts.push(`at most ${max}`);
  const notes = [
    parts.length === 0 ? undefined : `Constraints: ${parts.join(', ')}.`,
    field.default === undefined ? undefined : `Default: \`${defaultText(field)}\`.`,
  ].filter((n) => n !== undefined);
  return notes.length === 0 ? undefined : notes.join(' ');
}

/** A default as the user reads it: decimals and bigints (strings in the IR) as the number they are. */
function defaultText(field: FieldDef): string {
  const numeric = field.type.kind === 'scalar' && (field.type.scalar === 'decimal' || field.type.scalar === 'bigint');
  return numeric && typeof field.default === 'string' ? field.default : JSON.stringify(field.default);
}

/** The JSDoc lines of a field. */
export function fieldDocs(field: FieldDef): string[] {
  const format = field.type.kind === 'scalar' ? FORMAT_NOTES[field.type.scalar] : undefined;
  return docs(field.description, format, constraintNote(field), field.pii ? 'Personal data.' : undefined);
}
