// Starts `eventforge lsp --stdio` for *.domain.yaml files: the workspace's own eventforge, so the
// editor checks schemas with the same compiler version the build uses.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('eventforge').get('command', []);
  if (configured.length > 0) return { command: configured[0], args: configured.slice(1) };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const local = join(folder, 'node_modules', '.bin', process.platform === 'win32' ? 'eventforge.cmd' : 'eventforge');
  return existsSync(local)
    ? { command: local, args: ['lsp', '--stdio'] }
    : { command: 'npx', args: ['--no-install', 'eventforge', 'lsp', '--stdio'] };
}

async function activate(context) {
  const { command, args } = serverCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  client = new LanguageClient(
    'eventforge',
    'eventforge',
    { command, args, transport: TransportKind.stdio, options: { cwd } },
    { documentSelector: [{ scheme: 'file', language: 'yaml', pattern: '**/*.domain.yaml' }] },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
