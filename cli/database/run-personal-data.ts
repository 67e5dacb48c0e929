/**
 * `eventforge forget` and `eventforge rewrap-keys`: the data-key operations of docs/personal-data.md
 * on the store `DATABASE_URL` (or `--database`) names, as the application opens it.
 */
import {
  EventforgeError,
  masterKeyProvider,
  openRecorder,
  rewrapDataKeys,
  type Recorder,
  type StoreConfig,
} from 'eventforge/runtime';
import { readCipherKey, readPreviousCipherKeys, readStore } from 'eventforge/runtime/command';
import { postgresTarget, redactUrl } from 'eventforge/runtime/sql';
import { EXIT, type CliIo } from '../command.js';
import { unlistedProvider, type ProviderRule } from './listed-provider.js';

/** Where a data-key command works. */
export interface DataKeyCommandOptions {
  /** A `DATABASE_URL`-style URL; the environment's (or the embedded default file) when absent. */
  readonly database?: string;
  /** The config's `providers`: a database of another provider is refused. */
  readonly providerRule?: ProviderRule;
}

/** Deletes the subject's data key; resolves to the exit code. */
export function runForget(subject: string | undefined, options: DataKeyCommandOptions, io: CliIo, env = process.env) {
  if (subject === undefined || subject.trim() === '') {
    io.err(
      'eventforge forget: name the subject to forget, e.g. `eventforge forget 3f2a…` (an aggregate id or a subject field value)',
    );
    return Promise.resolve(EXIT.usage);
  }
  return onStore('forget', options, io, env, async (recorder, where) => {
    const deleted = await recorder.forgetDataKey(subject);
    io.out(
      `eventforge forget: ${where}: ${deleted ? 'deleted the data key of' : 'no data key to delete for'} ${subject}; ` +
        'its personal fields read as redacted from now on, and new personal data of it is refused' +
        ' (running applications stop reading them within their key cache TTL; projection runners scrub their views of it when they next open or wake up, within a second when running; onForget hooks run only when forgetting through an application)',
    );
    return EXIT.ok;
  });
}

/** Re-wraps every data key under EVENTFORGE_MASTER_KEY; resolves to the exit code. */
export function runRewrapKeys(options: DataKeyCommandOptions, io: CliIo, env = process.env): Promise<number> {
  return onStore('rewrap-keys', options, io, env, async (recorder, where) => {
    const master = readCipherKey(env['EVENTFORGE_MASTER_KEY'], 'EVENTFORGE_MASTER_KEY');
    if (master === undefined) {
      io.err(
        'eventforge rewrap-keys: EVENTFORGE_MASTER_KEY is not set; set it to the new master key and EVENTFORGE_MASTER_PREVIOUS_KEYS to the old one(s)',
      );
      return EXIT.usage;
    }
    const previous = readPreviousCipherKeys(env['EVENTFORGE_MASTER_PREVIOUS_KEYS'], 'EVENTFORGE_MASTER_PREVIOUS_KEYS');
    const report = await rewrapDataKeys(recorder, masterKeyProvider(master, previous));
    for (const r of report.refused) io.err(`refused  ${r.subject}: ${r.problem}`);
    io.out(
      `eventforge rewrap-keys: ${where}: ${report.examined} keys examined, ${report.rewrapped} re-wrapped, ` +
        `${report.current} under the current master key already, ${report.forgotten} forgotten, ${report.refused.length} refused`,
    );
    return report.refused.length > 0 ? EXIT.failed : EXIT.ok;
  });
}

async function onStore(
  command: string,
  options: DataKeyCommandOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv,
  work: (recorder: Recorder, where: string) => Promise<number>,
): Promise<number> {
  const fail = (message: string, code: number = EXIT.failed): number => {
    io.err(`eventforge ${command}: ${message}`);
    return code;
  };
  let recorder: Recorder | undefined;
  try {
    const store = readStore(options.database === undefined ? env : { ...env, DATABASE_URL: options.database });
    if (store.kind === 'memory')
      return fail('the in-memory store lives in its process; pass --database file:… or postgresql://…', EXIT.usage);
    const refusal = unlistedProvider(store, options.providerRule);
    if (refusal !== undefined) return fail(`${refusal}; nothing was changed`);
    recorder = await openRecorder(store);
    return await work(recorder, describe(store));
  } catch (error) {
    if (error instanceof EventforgeError) return fail(error.message);
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    await recorder?.close();
  }
}

function describe(store: Exclude<StoreConfig, { kind: 'memory' }>): string {
  return store.kind === 'sqlite'
    ? store.filename
    : `${redactUrl(store.url)} (schema ${postgresTarget(store.url).schema})`;
}
