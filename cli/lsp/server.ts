/**
 * `eventforge lsp --stdio`: the compiler as a language server. Diagnostics come from the real
 * compiler (debounced, per schema folder, unsaved text included); completion, hover,
 * go-to-definition and document symbols from the YAML tree and the language's JSON Schema.
 */
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type DocumentSymbol,
} from 'vscode-languageserver/node';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { completionsAt, type CompletionKind } from './completion.js';
import { checkFolder } from './folder-check.js';
import { definitionAt, hoverAt, symbolsOf, type Span, type SymbolNode } from './navigation.js';

/** How long the server waits after the last keystroke before compiling a folder. */
const DEBOUNCE_MS = 150;

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  type: CompletionItemKind.Class,
  field: CompletionItemKind.Field,
  word: CompletionItemKind.Value,
};

const SYMBOL_KINDS: Record<SymbolNode['kind'], SymbolKind> = {
  domain: SymbolKind.Namespace,
  enum: SymbolKind.Enum,
  'value object': SymbolKind.Struct,
  aggregate: SymbolKind.Class,
  state: SymbolKind.Object,
  event: SymbolKind.Event,
  field: SymbolKind.Field,
};

/** Serves the protocol over stdin and stdout until the client says `exit` or closes the stream. */
export function startLanguageServer(): void {
  const connection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  serve(connection);
}

function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  const published = new Map<string, Set<string>>();

  const openTexts = (): Map<string, string> => new Map(documents.all().map((d) => [fileURLToPath(d.uri), d.getText()]));

  const publishFolder = async (folder: string): Promise<void> => {
    const byFile = await checkFolder(folder, openTexts());
    const before = published.get(folder) ?? new Set<string>();
    for (const [path, diagnostics] of byFile) {
      const text = documents.get(pathToFileURL(path).href)?.getText();
      await connection.sendDiagnostics({
        uri: pathToFileURL(path).href,
        diagnostics: diagnostics.map((d) => toLsp(d, text)),
      });
      before.delete(path);
    }
    for (const gone of before) await connection.sendDiagnostics({ uri: pathToFileURL(gone).href, diagnostics: [] });
    published.set(folder, new Set(byFile.keys()));
  };

  const schedule = (uri: string): void => {
    if (!uri.startsWith('file:')) return;
    const folder = dirname(fileURLToPath(uri));
    clearTimeout(timers.get(folder));
    timers.set(
      folder,
      setTimeout(() => {
        timers.delete(folder);
        publishFolder(folder).catch((error: unknown) => connection.console.error(`eventforge: ${String(error)}`));
      }, DEBOUNCE_MS),
    );
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', ':', '{', ',', '<'] },
      hoverProvider: true,
      definitionProvider: true,
      documentSymbolProvider: true,
    },
    serverInfo: { name: 'eventforge' },
  }));

  documents.onDidOpen((e) => schedule(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => schedule(e.document.uri));

  connection.onCompletion(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (document === undefined) return [];
    return completionsAt(document.getText(), document.offsetAt(position)).map((c) => ({
      label: c.label,
      kind: COMPLETION_KINDS[c.kind],
      ...(c.detail === undefined ? {} : { detail: c.detail }),
      ...(c.documentation === undefined || c.documentation === ''
        ? {}
        : { documentation: { kind: MarkupKind.Markdown, value: c.documentation } }),
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(document, c.replace), newText: c.insertText },
    }));
  });

  connection.onHover(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const hover = document === undefined ? undefined : hoverAt(document.getText(), document.offsetAt(position));
    if (document === undefined || hover === undefined) return null;
    return { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: rangeOf(document, hover.span) };
  });

  connection.onDefinition(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const target = document === undefined ? undefined : definitionAt(document.getText(), document.offsetAt(position));
    if (document === undefined || target === undefined) return null;
    return { uri: document.uri, range: rangeOf(document, target) };
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    if (document === undefined) return [];
    const convert = (node: SymbolNode): DocumentSymbol => ({
      name: node.name,
      kind: SYMBOL_KINDS[node.kind],
      ...(node.detail === undefined ? {} : { detail: node.detail }),
      range: rangeOf(document, node.span),
      selectionRange: rangeOf(document, node.selection),
      children: node.children.map(convert),
    });
    return symbolsOf(document.getText()).map(convert);
  });

  documents.listen(connection);
  connection.listen();
}

function rangeOf(
  document: TextDocument,
  span: Span,
): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

/** A compiler diagnostic for the editor: its span, code and message, the hint on a line of its own. */
function toLsp(d: Diagnostic, text: string | undefined) {
  const start = { line: d.span.start.line - 1, character: d.span.start.column - 1 };
  let end = { line: d.span.end.line - 1, character: d.span.end.column - 1 };
  if (end.line === start.line && end.character <= start.character) {
    // A zero-width span underlines the word at the position, as editors expect something to see.
    const line = text?.split('\n')[start.line] ?? '';
    const word = /^[^\s:,{}[\]]*/.exec(line.slice(start.character))?.[0].length ?? 0;
    end = { line: start.line, character: start.character + Math.max(1, word) };
  }
  return {
    range: { start, end },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'eventforge',
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
  };
}
