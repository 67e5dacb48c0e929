/** `eventforge lsp --stdio`: runs the language server (cli/lsp/) for editors. */
import { usageError, type CliCommand } from '../command.js';

export const lspCommand: CliCommand = {
  name: 'lsp',
  summary: 'run the language server for editors (diagnostics, completion, hover, definitions, symbols)',
  usage: 'eventforge lsp --stdio',
  options: { stdio: { type: 'boolean', default: false } },
  run: async (args, io) => {
    if (args.values['stdio'] !== true)
      return usageError(io, 'lsp speaks the Language Server Protocol over stdio: `eventforge lsp --stdio`');
    const { startLanguageServer } = await import('../lsp/server.js');
    startLanguageServer();
    // Runs until the client sends `exit` or closes stdin; the server ends the process then.
    return new Promise<number>(() => {});
  },
};
