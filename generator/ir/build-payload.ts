/**
 * The versions of a payload (an event's data or an aggregate's state): version 1..n with the
 * upcast step between each pair, derived by deriveUpcastStep (the versioning rules).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RawPayload } from '../load/raw-model.js';
import { buildFields, spanOf } from './build-field.js';
import { deriveUpcastStep, type UpcastDeclaration } from './derive-upcast.js';
import type { EnumDef, FieldDef, PayloadVersionDef, SourceSpan } from './model.js';
import type { TypeTable } from '../resolve/resolve-types.js';

export interface BuiltPayload {
  readonly version: number;
  readonly fields: readonly FieldDef[];
  readonly versions: readonly PayloadVersionDef[];
}

/** Builds every version of a checked payload (history holds exactly 1..n-1: the rules ran first). */
export function buildPayload(
  file: string,
  label: string,
  raw: RawPayload,
  table: TypeTable,
  enums: ReadonlyMap<string, EnumDef>,
  diagnostics: Diagnostic[],
): BuiltPayload {
  const current = raw.version?.value ?? 1;
  const fields = buildFields(file, raw.fields, table);
  const stages: { version: number; fields: FieldDef[]; span: SourceSpan; declarations: UpcastDeclaration[] }[] = [];
  const history = [...raw.history].sort((a, b) => a.version.value - b.version.value);
  for (const entry of history) {
    stages.push({
      version: entry.version.value,
      fields: buildFields(file, entry.fields, table),
      span: spanOf(file, entry.version.range),
      declarations: entry.upcast.map((u) => ({
        field: u.field.value,
        ...(u.rename !== undefined ? { rename: u.rename.value } : {}),
        ...(u.using !== undefined ? { using: u.using.value } : {}),
        span: spanOf(file, u.field.range),
      })),
    });
  }
  stages.push({ version: current, fields, span: spanOf(file, raw.range), declarations: [] });
  const versions: PayloadVersionDef[] = stages.map((stage, index) => {
    const next = stages[index + 1];
    if (next === undefined)
      return { kind: 'payloadVersion', version: stage.version, fields: stage.fields, span: stage.span };
    const derived = deriveUpcastStep({
      file,
      payload: label,
      from: { version: stage.version, fields: stage.fields, span: stage.span },
      to: { version: next.version, fields: next.fields, span: next.span },
      declarations: stage.declarations,
      enums,
    });
    diagnostics.push(...derived.diagnostics);
    return {
      kind: 'payloadVersion',
      version: stage.version,
      fields: stage.fields,
      upcast: derived.step,
      span: stage.span,
    };
  });
  return { version: current, fields, versions };
}
