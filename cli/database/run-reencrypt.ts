/**
 * `eventforge reencrypt`: runs the runtime's `reencryptStore` on the store `DATABASE_URL` (or
 * `--database`) names, with the keys the application reads from the environment, and prints
 * what it did per table. Rows no key opens are listed and make the exit code 1.
 */
import { EventforgeError } from 'eventforge/runtime';
import { readCipherKey, readPreviousCipherKeys, readStore } from 'eventforge/runtime/command';
import {
  postgresTarget,
  redactUrl,
  reencryptStore,
  type ReencryptReport,
  type TableReport,
} from 'eventforge/runtime/sql';
import { EXIT, type CliIo } from '../command.js';
import { unlistedProvider, type ProviderRule } from './listed-provider.js';

/** What `reencrypt` is asked to do. */
export interface ReencryptCommandOptions {
  /** A `DATABASE_URL`-style URL; the environment's (or the embedded default file) when absent. */
  readonly database?: string;
  /** Rows per transaction, as typed on the command line. */
  readonly batchSize?: string;
  /** The config's `providers`: a database of another provider is refused. */
  readonly providerRule?: ProviderRule;
}

/** Re-encrypts the store; resolves to the exit code. */
export async function runReencrypt(
  options: ReencryptCommandOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const fail = (message: string, code: number = EXIT.failed): number => {
    io.err(`eventforge reencrypt: ${message}`);
    return code;
  };
  const batchSize = options.batchSize === undefined ? undefined : Number(options.batchSize);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize > 0)) {
    return fail(
      `--batch-size is ${options.batchSize}; expected a positive integer (rows per transaction, default 500)`,
      EXIT.usage,
    );
  }
  let report: ReencryptReport;
  let where = 'the store';
  try {
    const store = readStore(options.database === undefined ? env : { ...env, DATABASE_URL: options.database });
    if (store.kind === 'memory') {
      return fail('the in-memory store holds no older records; pass --database file:… or postgresql://…', EXIT.usage);
    }
    const refusal = unlistedProvider(store, options.providerRule);
    if (refusal !== undefined) return fail(`${refusal}; nothing was changed`);
    const cipherKey = readCipherKey(env['EVENTFORGE_CIPHER_KEY']);
    if (cipherKey === undefined) {
      return fail(
        'EVENTFORGE_CIPHER_KEY is not set; set it to the key the application encrypts with (and the older keys in EVENTFORGE_CIPHER_PREVIOUS_KEYS)',
        EXIT.usage,
      );
    }
    const previousKeys = readPreviousCipherKeys(env['EVENTFORGE_CIPHER_PREVIOUS_KEYS']);
    where =
      store.kind === 'sqlite' ? store.filename : `${redactUrl(store.url)} (schema ${postgresTarget(store.url).schema})`;
    report = await reencryptStore(store, {
      cipherKey,
      previousKeys,
      ...(batchSize === undefined ? {} : { batchSize }),
    });
  } catch (error) {
    if (error instanceof EventforgeError) return fail(error.message);
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      return fail(`cannot reach the database (${code}: ${message})`);
    if (/no such table|relation .* does not exist/.test(message)) {
      return fail(`${where} holds no event store tables (${message}); check the URL (and its ?schema=)`);
    }
    // Batches committed before the failure stay: each replaced row loads as before, and a rerun skips them.
    return fail(`${message}; every record still loads, and a rerun finishes what is left`);
  }
  io.out(tableLine('events', report.events));
  io.out(tableLine('snapshots', report.snapshots));
  for (const r of report.refused)
    io.err(`refused  ${r.table} ${r.streamId} version ${r.version} (${r.topic}): ${r.problem}`);
  const resealed = report.events.resealed + report.snapshots.resealed;
  const refused = report.refused.length;
  io.out(
    `eventforge reencrypt: ${where}: ${resealed} re-encrypted, ${report.events.unchanged + report.snapshots.unchanged} bound already, ${refused} refused` +
      (refused > 0
        ? '; refused records are left as they are (no given key opens them, or they are damaged): add a missing key to EVENTFORGE_CIPHER_PREVIOUS_KEYS and run again (docs/security.md)'
        : ''),
  );
  return refused > 0 ? EXIT.failed : EXIT.ok;
}

function tableLine(table: string, counts: TableReport): string {
  return `${table.padEnd(9)}  ${counts.examined} examined, ${counts.resealed} re-encrypted, ${counts.unchanged} bound already`;
}
