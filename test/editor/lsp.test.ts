/**
 * `eventforge lsp --stdio` as an editor meets it: the real CLI spawned, JSON-RPC over stdio.
 * Diagnostics come from the compiler for every schema file of the folder (unsaved text included);
 * completion, hover, go-to-definition and document symbols answer at positions in block and
 * flow style.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atCursor, LspClient, type CompletionItem } from './lsp-client.js';

const repo = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'eventforge-lsp-'));
let client: LspClient;
let opened = 0;

const SHOP = `domain: Shop
types:
  Line:
    description: One product and how many of it.
    fields: { sku: string, quantity: int }
  Status: { enum: [open, paid] }
aggregates:
  Order:
    state:
      fields:
        lines: Line[]
        status: { type: Status, default: open }
        total: { type: decimal, min: "0", default: "0", description: Sum of the lines. }
    events:
      Placed:
        creates: true
        fields:
          lines: Line[]
      Paid:
        fields:
          amount: { type: decimal, min: "0.01" }
        apply: { set: { status: paid }, increment: { total: amount } }
`;

beforeAll(async () => {
  client = await LspClient.start(process.execPath, [join(repo, 'bin', 'eventforge.js'), 'lsp', '--stdio'], folder);
});
afterAll(async () => {
  await client?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Opens `marked` (`|` is the cursor) as a new schema of the folder. */
async function openMarked(marked: string): Promise<{ uri: string; position: { line: number; character: number } }> {
  const { text, position } = atCursor(marked);
  opened += 1;
  return {
    uri: await client.open(
      join(folder, `cursor-${opened}.domain.yaml`),
      text.replace('domain: Shop', `domain: Shop${opened}`),
    ),
    position,
  };
}

async function labelsAt(marked: string): Promise<string[]> {
  const { uri, position } = await openMarked(marked);
  return (await client.completion(uri, position)).map((item: CompletionItem) => item.label);
}

describe('eventforge lsp: diagnostics', () => {
  it("publishes the compiler's errors as the user types, at their positions, and clears them when fixed", async () => {
    const path = join(folder, 'typing.domain.yaml');
    const broken = SHOP.replace('domain: Shop', 'domain: Typing').replace(
      'lines: Line[]\n        status',
      'lines: Lien[]\n        status',
    );
    const uri = await client.open(path, broken);
    const diagnostics = await client.diagnosticsOf(uri);
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.source])).toEqual([
      ['EF200', 10, 15, 'eventforge'],
    ]);
    expect(diagnostics[0]!.message).toContain('Lien');
    await client.change(uri, broken.replace('Lien[]', 'Line[]'));
    expect(await client.diagnosticsOf(uri)).toEqual([]);
  });

  it('reports several semantic errors of one file together', async () => {
    const uri = await client.open(
      join(folder, 'phases.domain.yaml'),
      `domain: Phases
aggregates:
  Cart:
    state:
      fields:
        items: Item[]
    events:
      Opened:
        creates: true
        fields: { owner: Persn }
`,
    );
    const found = (await client.diagnosticsOf(uri)).map((d) => `${d.code}@${d.range.start.line}`);
    expect(found).toEqual(['EF200@5', 'EF200@9']);
  });

  it('checks the files of one folder together: a domain declared twice is reported in the second file, even one not open', async () => {
    writeFileSync(
      join(folder, 'a-first.domain.yaml'),
      'domain: Twice\naggregates:\n  A:\n    events:\n      Made: { creates: true, fields: { id: string } }\n',
    );
    const uri = await client.open(
      join(folder, 'b-second.domain.yaml'),
      'domain: Twice\naggregates:\n  B:\n    events:\n      Made: { creates: true, fields: { id: string } }\n',
    );
    const diagnostics = await client.diagnosticsOf(uri);
    expect(diagnostics.map((d) => d.code)).toEqual(['EF207']);
    expect(diagnostics[0]!.message).toContain('a-first.domain.yaml');
    rmSync(join(folder, 'a-first.domain.yaml'));
  });

  it('checks the upcasters module a schema names, as `check` does (EF330 at the using: line)', async () => {
    // A folder of its own: the module check runs once the folder's schemas compile without error.
    const modulesFolder = join(folder, 'modules');
    mkdirSync(modulesFolder);
    writeFileSync(join(modulesFolder, 'moved.upcasters.ts'), 'export function other(): string {\n  return "";\n}\n');
    const uri = await client.open(
      join(modulesFolder, 'moved.domain.yaml'),
      `domain: Moved
upcasters: ./moved.upcasters.ts
aggregates:
  Box:
    events:
      Made:
        creates: true
        version: 2
        fields: { id: string, label: string }
        history:
          1:
            fields: { id: string }
            upcast:
              label: { using: labelFromId }
`,
    );
    const diagnostics = await client.diagnosticsOf(uri);
    expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['EF330', 13]]);
    rmSync(modulesFolder, { recursive: true });
  });
});

describe('eventforge lsp: completion', () => {
  it('completes event keys in block style, without those given', async () => {
    const labels = await labelsAt(SHOP.replace('        creates: true\n', '        creates: true\n        |\n'));
    expect(labels).toEqual(expect.arrayContaining(['version', 'history', 'apply', 'discards', 'description']));
    expect(labels).not.toContain('creates');
    expect(labels).not.toContain('fields');
  });

  it('completes field spec keys at an empty position in a flow map', async () => {
    const labels = await labelsAt(SHOP.replace('{ type: decimal, min: "0.01" }', '{ type: decimal, | }'));
    expect(labels).toEqual(expect.arrayContaining(['min', 'max', 'default', 'pii', 'description', 'minLength']));
    expect(labels).not.toContain('type');
  });

  it("completes type names, the domain's own among the scalars, in block and flow style", async () => {
    const block = await labelsAt(SHOP.replace('lines: Line[]\n        status', 'lines: |\n        status'));
    expect(block).toEqual(expect.arrayContaining(['Line', 'Status', 'string', 'decimal', 'datetime']));
    const flow = await labelsAt(SHOP.replace('{ type: Status, default: open }', '{ type: St|, default: open }'));
    expect(flow).toEqual(expect.arrayContaining(['Status', 'Line', 'string']));
  });

  it('completes apply operations, state fields as their keys and event fields as their values', async () => {
    const ops = await labelsAt(
      SHOP.replace(
        'apply: { set: { status: paid }, increment: { total: amount } }',
        'apply: { set: { status: paid }, | }',
      ),
    );
    expect(ops).toEqual(expect.arrayContaining(['assign', 'push', 'remove', 'increment', 'decrement']));
    expect(ops).not.toContain('set');
    const stateFields = await labelsAt(SHOP.replace('increment: { total: amount }', 'increment: { | }'));
    expect(stateFields.sort()).toEqual(['lines', 'status', 'total']);
    const eventFields = await labelsAt(SHOP.replace('increment: { total: amount }', 'increment: { total: | }'));
    expect(eventFields).toEqual(['amount']);
  });

  it('completes keyed operations: list and map state fields as keys, their parameters, event fields and element fields as values', async () => {
    const keyed = (op: string): string => SHOP.replace('increment: { total: amount }', op);
    expect(
      await labelsAt(
        SHOP.replace(
          'apply: { set: { status: paid }, increment: { total: amount } }',
          'apply: { set: { status: paid }, | }',
        ),
      ),
    ).toEqual(expect.arrayContaining(['upsert', 'incrementAt', 'decrementAt', 'removeAt']));
    expect(await labelsAt(keyed('incrementAt: { | }'))).toEqual(['lines']);
    expect((await labelsAt(keyed('incrementAt: { lines: { key: amount, | } }'))).sort()).toEqual([
      'by',
      'field',
      'ifAbsent',
    ]);
    expect(await labelsAt(keyed('incrementAt: { lines: { key: | } }'))).toEqual(['amount']);
    expect((await labelsAt(keyed('incrementAt: { lines: { key: amount, field: | } }'))).sort()).toEqual([
      'quantity',
      'sku',
    ]);
    expect(await labelsAt(keyed('upsert: { lines: { key: sku, value: | } }'))).toEqual(['amount']);
    expect(
      await labelsAt(keyed('incrementAt: { lines: { key: sku, field: quantity, by: amount, ifAbsent: | } }')),
    ).toEqual(['create', 'ignore']);
  });

  it('completes the words an enum-like key allows', async () => {
    expect(await labelsAt(SHOP.replace('creates: true', 'creates: |'))).toEqual(['true', 'false']);
    expect(
      await labelsAt(SHOP.replace('apply: { set: { status: paid }, increment: { total: amount } }', 'apply: |')),
    ).toEqual(['custom', 'none']);
  });
});

describe('eventforge lsp: hover, definition, symbols', () => {
  it('hovers a field with its type, constraints and description', async () => {
    const { uri, position } = await openMarked(SHOP.replace('        total: {', '        to|tal: {'));
    const hover = await client.hover(uri, position);
    const value = (hover?.contents as { value: string }).value;
    expect(value).toContain('**total**: `decimal`');
    expect(value).toContain('`min: "0"`');
    expect(value).toContain('Sum of the lines.');
  });

  it('hovers a type reference with its declaration', async () => {
    const { uri, position } = await openMarked(
      SHOP.replace('lines: Line[]\n        status', 'lines: Li|ne[]\n        status'),
    );
    const value = ((await client.hover(uri, position))?.contents as { value: string }).value;
    expect(value).toContain('**Line** (value object)');
    expect(value).toContain('`quantity: int`');
    expect(value).toContain('One product and how many of it.');
  });

  it('goes from a type reference to its declaration, and from an apply value to the event field', async () => {
    const { uri, position } = await openMarked(SHOP.replace('          lines: Line[]', '          lines: Li|ne[]'));
    const target = await client.request<{ uri: string; range: { start: { line: number; character: number } } }>(
      'textDocument/definition',
      { textDocument: { uri }, position },
    );
    expect(target.uri).toBe(uri);
    expect(target.range.start).toEqual({ line: 2, character: 2 });
    const apply = await openMarked(SHOP.replace('increment: { total: amount }', 'increment: { total: am|ount }'));
    const field = await client.request<{ range: { start: { line: number; character: number } } }>(
      'textDocument/definition',
      { textDocument: { uri: apply.uri }, position: apply.position },
    );
    expect(field.range.start).toEqual({ line: 20, character: 10 });
    const keyed = await openMarked(
      SHOP.replace(
        'increment: { total: amount }',
        'decrementAt: { lines: { key: sku, field: quantity, by: am|ount } }',
      ),
    );
    const byField = await client.request<{ range: { start: { line: number; character: number } } }>(
      'textDocument/definition',
      { textDocument: { uri: keyed.uri }, position: keyed.position },
    );
    expect(byField.range.start).toEqual({ line: 20, character: 10 });
  });

  it('lists the document symbols: domain, types, aggregates, state, events and their fields', async () => {
    const { uri } = await openMarked(`${SHOP}|`);
    interface Symbol {
      name: string;
      kind: number;
      children?: Symbol[];
    }
    const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const tree = (list: Symbol[] = []): unknown[] =>
      list.map((s) => (s.children?.length ? [s.name, tree(s.children)] : s.name));
    expect(tree(symbols)).toEqual([
      [
        `Shop${opened}`,
        [
          ['Line', ['sku', 'quantity']],
          'Status',
          [
            'Order',
            [
              ['state', ['lines', 'status', 'total']],
              ['Placed', ['lines']],
              ['Paid', ['amount']],
            ],
          ],
        ],
      ],
    ]);
  });
});
