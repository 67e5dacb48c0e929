/**
 * The language's JSON Schema in a real editor's language server: yaml-language-server (what the
 * VS Code YAML extension runs) spawned over stdio and driven by JSON-RPC. Documents are opened
 * under schemas/ with the examples' `$schema` modeline, so the schema is found as a user's editor
 * finds it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atCursor, LspClient, type CompletionItem, type Hover } from './lsp-client.js';

const repo = join(import.meta.dirname, '..', '..');
const serverBin = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');
const MODELINE = '# yaml-language-server: $schema=../generator/validate/domain.schema.json';
const settings = { yaml: { validate: true, completion: true, hover: true, schemas: {} } };

let client: LspClient;
let documents = 0;

beforeAll(async () => {
  client = await LspClient.start(process.execPath, [serverBin, '--stdio'], repo, settings);
});
afterAll(async () => {
  await client?.stop();
});

/** Opens `body` (below the modeline; `|` marks the cursor) as a new document under schemas/. */
async function openAtCursor(body: string): Promise<{ uri: string; position: { line: number; character: number } }> {
  const { text, position } = atCursor(`${MODELINE}\n${body}`);
  documents += 1;
  const uri = await client.open(join(repo, 'schemas', `editor-${documents}.domain.yaml`), text);
  return { uri, position };
}

async function labelsAt(body: string): Promise<string[]> {
  const { uri, position } = await openAtCursor(body);
  return (await client.completion(uri, position)).map((item: CompletionItem) => item.label);
}

function hoverText(hover: Hover | null): string {
  if (hover === null) return '';
  const contents = hover.contents;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents))
    return contents.map((c) => (typeof c === 'string' ? c : (c as { value: string }).value)).join('\n');
  return (contents as { value: string }).value;
}

const order = (stateField: string, eventExtra = '') => `domain: Shop
aggregates:
  Order:
    state:
      fields:
        ${stateField}
    events:
      Placed:
        creates: true
        fields: { total: decimal }
${eventExtra}`;

describe('yaml-language-server with domain.schema.json', () => {
  it('completes a field spec key inside a flow map, after a key already given', async () => {
    const labels = await labelsAt(order('total: { type: decimal, m| }'));
    expect(labels).toEqual(
      expect.arrayContaining(['min', 'max', 'minLength', 'maxLength', 'default', 'pii', 'description']),
    );
    expect(labels).not.toContain('type'); // given already
  });

  it('completes the type expression inside a flow map', async () => {
    const labels = await labelsAt(order('total: { type: de| }'));
    expect(labels).toEqual(expect.arrayContaining(['decimal', 'string', 'int', 'datetime']));
  });

  it('completes apply operations inside a flow map, without the ones given', async () => {
    const labels = await labelsAt(order('total: decimal', '        apply: { assign: { total: total }, i| }\n'));
    expect(labels).toEqual(expect.arrayContaining(['set', 'push', 'remove', 'increment', 'decrement']));
    expect(labels).not.toContain('assign');
  });

  it('completes the parameters of a keyed operation in flow and block style, without the ones given', async () => {
    const flow = await labelsAt(
      order('total: decimal', '        apply: { incrementAt: { lines: { key: sku, b| } } }\n'),
    );
    expect(flow).toEqual(expect.arrayContaining(['field', 'by', 'ifAbsent']));
    expect(flow).not.toContain('key');
    const block = await labelsAt(
      order(
        'total: decimal',
        '        apply:\n          upsert:\n            lines:\n              key: sku\n              |\n',
      ),
    );
    expect(block).toContain('value');
    expect(block).not.toContain('by');
  });

  it('completes event keys in block style', async () => {
    const labels = await labelsAt(`domain: Shop
aggregates:
  Order:
    events:
      Placed:
        creates: true
        |
`);
    expect(labels).toEqual(
      expect.arrayContaining(['fields', 'version', 'history', 'apply', 'discards', 'description']),
    );
  });

  it('offers snippets for a new aggregate, a new event version and a history entry', async () => {
    const aggregate = await labelsAt('domain: Shop\naggregates:\n  Order:\n    |\n');
    expect(aggregate).toContain('aggregate');
    const event = await labelsAt('domain: Shop\naggregates:\n  Order:\n    events:\n      Placed:\n        |\n');
    expect(event).toEqual(expect.arrayContaining(['event', 'creation event', 'new version']));
    const history = await labelsAt(`domain: Shop
aggregates:
  Order:
    events:
      Placed:
        creates: true
        version: 2
        fields: { total: decimal }
        history:
          1:
            |
`);
    expect(history).toEqual(expect.arrayContaining(['earlier version', 'earlier version with a rename']));
  });

  it('says what a name must look like instead of showing the regex', async () => {
    const { uri } = await openAtCursor(
      'domain: shop|\naggregates:\n  order:\n    events:\n      placed: { creates: true, fields: { Total: decimal } }\n',
    );
    const messages = (await client.diagnosticsOf(uri)).map(
      (d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1:8 Use a PascalCase name: a capital letter/),
        expect.stringMatching(/^3:2 Use a PascalCase name/),
        expect.stringMatching(/^5:6 Use a PascalCase name/),
        expect.stringMatching(/^5:41 Use a camelCase name: a lower-case letter/),
      ]),
    );
    for (const message of messages) expect(message).not.toMatch(/\^\[|does not match the pattern/);
  });

  it('shows Markdown documentation on hover', async () => {
    const { uri, position } = await openAtCursor(
      'domain: Shop\naggregates:\n  Ord|er:\n    events:\n      Placed: { creates: true, fields: { total: decimal } }\n',
    );
    const text = hoverText(await client.hover(uri, position));
    expect(text).toContain('event-sourced **aggregate**');
    expect(text).toContain('creates: true');
  });

  it.each(readdirSync(join(repo, 'schemas')).filter((f) => f.endsWith('.domain.yaml')))(
    'finds nothing wrong in the example %s',
    async (file) => {
      const path = join(repo, 'schemas', file);
      const uri = await client.open(path, readFileSync(path, 'utf8'));
      expect(await client.diagnosticsOf(uri)).toEqual([]);
    },
  );
});
