/**
 * `<domain>/views.ts`: per view, the typed row and key, the definition the runtime interprets
 * (columns, key, DDL per provider, shape hash, declarative operations by topic), an abstract
 * `<View>ProjectionBase` with one typed method per custom event (tsc refuses a subclass that
 * forgets one) and, when no event is custom, a ready `<View>Projection`.
 */
import type { DomainDef, JsonValue, ProjectDef, ViewDef, ViewHandlerDef, ViewValueDef } from '../../ir/model.js';
import {
  domainFolder,
  viewDefinitionName,
  viewHandlerName,
  viewKeyTypeName,
  viewProjectionBaseName,
  viewProjectionName,
  viewRowTypeName,
} from '../../ir/naming.js';
import { generatedHeader, type EmitContext, type Emitter, type GeneratedFile } from '../types.js';
import { docs, quote } from '../typescript/text.js';
import { tsType } from '../typescript/type-text.js';
import { personalNote } from './personal-column.js';
import { SQL_PROVIDERS, columnType, shapeHash, sqlName, viewDdl } from './view-sql.js';

/** A literal of plain data: objects one key a line, short arrays and objects on one line. */
function literal(value: JsonValue | undefined, indent: string): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? quote(value) : String(value);
  const inner = `${indent}  `;
  // Each child is printed once (at the inner indentation): a nested literal is never printed twice.
  const items = Array.isArray(value)
    ? value.map((v) => literal(v, inner))
    : Object.entries(value).map(([k, v]) => `${propertyName(k)}: ${literal(v, inner)}`);
  if (items.length === 0) return Array.isArray(value) ? '[]' : '{}';
  const oneLine = Array.isArray(value) ? `[${items.join(', ')}]` : `{ ${items.join(', ')} }`;
  if (!oneLine.includes('\n') && oneLine.length + indent.length <= 100) return oneLine;
  const lines = items.map((item) => `${inner}${item},`).join('\n');
  return Array.isArray(value) ? `[\n${lines}\n${indent}]` : `{\n${lines}\n${indent}}`;
}

function propertyName(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : quote(key);
}

function jsDoc(indent: string, text: string | undefined): string[] {
  return docs(text).flatMap((t) => {
    const lines = t.split('\n');
    return lines.length === 1
      ? [`${indent}/** ${t} */`]
      : [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
  });
}

function valueData(value: ViewValueDef): JsonValue {
  switch (value.kind) {
    case 'eventField':
      return { field: [...value.path] };
    case 'envelope':
      return { envelope: value.name };
    case 'constant':
      return { constant: value.value };
  }
}

function handlerData(handler: ViewHandlerDef): JsonValue {
  if (handler.kind === 'custom') return { kind: 'custom' };
  return {
    kind: 'declarative',
    ops: handler.ops.map((op) => ({
      op: op.kind,
      values: Object.fromEntries(op.assignments.map((a) => [a.column, valueData(a.value)])),
    })),
  };
}

/** The definition object of a view, as views.ts writes it. */
export function definitionData(view: ViewDef): JsonValue {
  return {
    name: view.name,
    table: view.table,
    shapeHash: shapeHash(view),
    columns: view.columns.map((c) => {
      const { type, list } = columnType(c.type);
      return {
        name: c.name,
        column: sqlName(c.name),
        type,
        list,
        optional: c.optional,
        ...(c.default !== undefined ? { default: c.default } : {}),
        ...(c.pii ? { personal: true, redacted: c.redacted ?? null } : {}),
      };
    }),
    key: [...view.key],
    ...(view.subjectColumn !== undefined ? { subjectColumn: view.subjectColumn } : {}),
    handlers: Object.fromEntries(view.on.map((on) => [on.topic, handlerData(on.handler)])),
    ddl: Object.fromEntries(SQL_PROVIDERS.map((p) => [p, viewDdl(view, p)])),
  };
}

function rowType(view: ViewDef): string[] {
  return [
    ...jsDoc('', view.description ?? `A row of view ${view.name} (table ${view.table}).`),
    `export interface ${viewRowTypeName(view.name)} {`,
    ...view.columns.flatMap((c) => [
      ...jsDoc('  ', [c.description, personalNote(c)].filter((t) => t !== undefined).join(' ') || undefined),
      `  readonly ${c.name}: ${tsType(c.type)}${c.optional ? ' | null' : ''};`,
    ]),
    '}',
  ];
}

function viewStatements(view: ViewDef): string[] {
  const row = viewRowTypeName(view.name);
  const key = viewKeyTypeName(view.name);
  const base = viewProjectionBaseName(view.name);
  const custom = view.on.filter((on) => on.handler.kind === 'custom');
  const store = `ViewStore<${row}, ${key}>`;
  const lines = [
    ...rowType(view),
    '',
    `/** The key of a ${view.name} row. */`,
    `export type ${key} = Pick<${row}, ${view.key.map(quote).join(' | ')}>;`,
    '',
    `/** View ${view.name}: columns, key, SQL per database and what each consumed event does. */`,
    `export const ${viewDefinitionName(view.name)}: ViewDefinition<${row}, ${key}> = ${literal(definitionData(view), '')};`,
    '',
    `/**`,
    ` * The projection of view ${view.name}. The declarative operations of the schema are applied for`,
    custom.length === 0
      ? ' * every consumed event.'
      : ' * the other events; a subclass implements one method per `custom` event.',
    ' */',
    `export abstract class ${base} extends ViewProjection<${row}, ${key}> {`,
    '  constructor() {',
    `    super(${viewDefinitionName(view.name)});`,
    '  }',
  ];
  for (const on of custom) {
    lines.push(
      '',
      `  /** ${on.aggregate}.${on.event}: change the view (and, through \`tx\`, tables of your own in the same transaction). */`,
      `  protected abstract ${viewHandlerName(on.event)}(`,
      `    event: ${on.event},`,
      `    view: ${store},`,
      '    tx: ViewTransaction,',
      '  ): Promise<void>;',
    );
  }
  if (custom.length > 0) {
    lines.push(
      '',
      '  protected override handle(',
      '    logged: LoggedEvent,',
      `    view: ${store},`,
      '    tx: ViewTransaction,',
      '  ): Promise<void> {',
      '    switch (logged.topic) {',
      ...custom.flatMap((on) => [
        `      case ${quote(on.topic)}:`,
        `        return this.${viewHandlerName(on.event)}(logged.event as ${on.event}, view, tx);`,
      ]),
      '      default:',
      '        return super.handle(logged, view, tx);',
      '    }',
      '  }',
    );
  }
  lines.push('}');
  if (custom.length === 0)
    lines.push(
      '',
      `/** The projection of view ${view.name}, ready to run. */`,
      `export class ${viewProjectionName(view.name)} extends ${base} {}`,
    );
  return lines;
}

/** The runtime names a views file imports. */
function runtimeImports(domain: DomainDef): { values: string[]; types: string[] } {
  const types = new Set(['ViewDefinition']);
  for (const view of domain.views) {
    for (const c of view.columns) {
      const text = tsType(c.type);
      if (text.includes('Decimal')) types.add('Decimal');
      if (text.includes('JsonValue')) types.add('JsonValue');
    }
    if (view.on.some((on) => on.handler.kind === 'custom'))
      ['LoggedEvent', 'ViewStore', 'ViewTransaction'].forEach((t) => types.add(t));
  }
  return { values: ['ViewProjection'], types: [...types].sort() };
}

export function emitViewsFile(domain: DomainDef, ctx: EmitContext): GeneratedFile {
  const { values, types } = runtimeImports(domain);
  const names = [...values, ...types.map((t) => `type ${t}`)].sort((a, b) =>
    a.replace('type ', '').localeCompare(b.replace('type ', '')),
  );
  const domainTypes = new Set<string>();
  for (const view of domain.views) {
    for (const c of view.columns) {
      const element = c.type.kind === 'list' ? c.type.element : c.type;
      if (element.kind === 'enum') domainTypes.add(element.name);
    }
    for (const on of view.on) if (on.handler.kind === 'custom') domainTypes.add(on.event);
  }
  const head = [
    generatedHeader(domain.sourcePath),
    `import { ${names.join(', ')} } from ${quote(ctx.runtimeImport)};`,
    ...(domainTypes.size > 0 ? [`import type { ${[...domainTypes].sort().join(', ')} } from './types.js';`] : []),
  ];
  const body = domain.views.map((v) => viewStatements(v).join('\n'));
  return { path: `${domainFolder(domain.name)}/views.ts`, contents: `${[head.join('\n'), ...body].join('\n\n')}\n` };
}

/** Emits `<domain>/views.ts` for every domain that declares views. */
export const viewsEmitter: Emitter = {
  name: 'typescript-views',
  emit: (project: ProjectDef, ctx: EmitContext) =>
    project.domains.filter((d) => d.views.length > 0).map((d) => emitViewsFile(d, ctx)),
};
