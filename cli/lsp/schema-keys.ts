/**
 * The keys the language's JSON Schema allows at a path of a domain schema, with their
 * documentation: completion of keys comes from the same schema ajv validates with, so the two
 * never disagree.
 */
import schema from '../../generator/validate/domain.schema.json' with { type: 'json' };

interface SchemaNode {
  readonly $ref?: string;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly if?: SchemaNode;
  readonly then?: SchemaNode;
  readonly else?: SchemaNode;
  readonly allOf?: readonly SchemaNode[];
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
}

export interface KeyInfo {
  readonly name: string;
  readonly documentation: string;
}

const root = schema as unknown as SchemaNode;

function resolve(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.$ref !== undefined) {
    const name = current.$ref.replace('#/definitions/', '');
    const target = (root as { definitions?: Record<string, SchemaNode> }).definitions?.[name];
    if (target === undefined) break;
    current = { ...target, description: current.description ?? target.description };
  }
  return current;
}

/** The object-shaped alternatives of a node: both arms of an if/then/else, every allOf part. */
function objectBranches(node: SchemaNode): SchemaNode[] {
  const resolved = resolve(node);
  const parts: SchemaNode[] = [resolved];
  if (resolved.then !== undefined) parts.push(...objectBranches(resolved.then));
  if (resolved.else !== undefined) parts.push(...objectBranches(resolved.else));
  for (const part of resolved.allOf ?? []) parts.push(...objectBranches(part));
  return parts;
}

/** The schema of the value at `path` (keys from the root), or undefined where the schema says nothing. */
export function schemaAt(path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const key of path) {
    if (node === undefined) return undefined;
    let next: SchemaNode | undefined;
    for (const branch of objectBranches(node)) {
      next =
        branch.properties?.[key] ??
        (typeof branch.additionalProperties === 'object' ? branch.additionalProperties : undefined);
      if (next !== undefined) break;
    }
    node = next;
  }
  return node;
}

/** The fixed keys allowed in the map at `path` (none where the map's keys are the user's names). */
export function keysAt(path: readonly string[]): KeyInfo[] {
  const node = schemaAt(path);
  if (node === undefined) return [];
  const keys = new Map<string, KeyInfo>();
  for (const branch of objectBranches(node)) {
    for (const [name, property] of Object.entries(branch.properties ?? {})) {
      if (!keys.has(name)) keys.set(name, { name, documentation: documentation(property) });
    }
  }
  return [...keys.values()];
}

/** The documentation of the value at `path`: its Markdown description, else its description. */
export function documentationAt(path: readonly string[]): string | undefined {
  const node = schemaAt(path);
  return node === undefined ? undefined : documentation(node);
}

function documentation(node: SchemaNode): string {
  const resolved = resolve(node);
  return node.markdownDescription ?? resolved.markdownDescription ?? node.description ?? resolved.description ?? '';
}

/** The allowed words of an enum-typed value at `path` (`apply: custom | none`), and `true`/`false` for booleans. */
export function wordsAt(path: readonly string[]): string[] {
  const node = schemaAt(path);
  if (node === undefined) return [];
  const words: string[] = [];
  for (const branch of objectBranches(node)) {
    for (const value of branch.enum ?? []) if (typeof value === 'string') words.push(value);
    if (branch.type === 'boolean') words.push('true', 'false');
  }
  return [...new Set(words)];
}
