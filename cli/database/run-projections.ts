/**
 * `eventforge projections`: reads the store `DATABASE_URL` (or `--database`) names and prints each
 * projection's position, the head and the lag (`status`), lists parked events (`parked`), or asks
 * the runners to replay them (`retry`). `rebuild` of a declarative view is run-rebuild.ts; other
 * projections need their code, so theirs is the application's `ProjectionRunner.rebuild()`.
 */
import { EventforgeError, openRecorder, type Recorder } from 'eventforge/runtime';
import { parkedEvents, projectionStatuses, readStore, requestRetry } from 'eventforge/runtime/command';
import { EXIT, type CliIo } from '../command.js';
import { unlistedProvider, type ProviderRule } from './listed-provider.js';

/** What `projections` is asked to do, as typed. */
export interface ProjectionsOptions {
  readonly action: string | undefined;
  readonly name: string | undefined;
  readonly database?: string;
  readonly id?: string;
  readonly providerRule?: ProviderRule;
}

const ACTIONS = ['status', 'parked', 'retry', 'rebuild'];

/** Runs one action; resolves to the exit code. */
export async function runProjections(
  options: ProjectionsOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const fail = (message: string, code: number = EXIT.failed): number => {
    io.err(`eventforge projections: ${message}`);
    return code;
  };
  const { action, name } = options;
  if (action === undefined || !ACTIONS.includes(action)) {
    return fail(`expected one of ${ACTIONS.join(', ')}, got ${action ?? 'nothing'}`, EXIT.usage);
  }
  if (action === 'retry' && name === undefined)
    return fail('retry needs the projection: retry NAME [--id N]', EXIT.usage);
  const id = options.id === undefined ? undefined : /^[1-9][0-9]*$/.test(options.id) ? BigInt(options.id) : null;
  if (id === null) return fail(`--id is ${options.id}; expected a notification id (a positive integer)`, EXIT.usage);
  const store = readStore(options.database === undefined ? env : { ...env, DATABASE_URL: options.database });
  if (store.kind === 'memory') {
    return fail('the in-memory store lives in its process; pass --database file:… or postgresql://…', EXIT.usage);
  }
  const refusal = unlistedProvider(store, options.providerRule);
  if (refusal !== undefined) return fail(refusal);
  let recorder: Recorder | undefined;
  try {
    recorder = await openRecorder(store);
    if (action === 'status') return await status(recorder, io);
    if (action === 'parked') return await parked(recorder, name, io);
    const marked = await requestRetry(recorder, name!, id);
    if (marked === 0) return fail(`${name} has no parked event${id === undefined ? 's' : ` ${id}`}`);
    io.out(
      `eventforge projections: ${marked} parked event${marked === 1 ? '' : 's'} of ${name} marked for retry; ` +
        'its runner replays them within a second (or when it starts)',
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof EventforgeError) return fail(error.message);
    throw error;
  } finally {
    await recorder?.close();
  }
}

async function status(recorder: Recorder, io: CliIo): Promise<number> {
  const rows = await projectionStatuses(recorder);
  if (rows.length === 0) {
    io.out('eventforge projections: no projection has run on this store yet');
    return EXIT.ok;
  }
  const width = Math.max(10, ...rows.map((r) => r.name.length));
  io.out(
    `${'projection'.padEnd(width)}  ${'position'.padStart(10)}  ${'head'.padStart(10)}  ${'lag'.padStart(8)}  parked`,
  );
  for (const r of rows) {
    io.out(
      `${r.name.padEnd(width)}  ${String(r.position).padStart(10)}  ${String(r.head).padStart(10)}  ` +
        `${String(r.lag).padStart(8)}  ${r.parked}`,
    );
  }
  return rows.some((r) => r.parked > 0) ? EXIT.failed : EXIT.ok;
}

async function parked(recorder: Recorder, name: string | undefined, io: CliIo): Promise<number> {
  const events = await parkedEvents(recorder, name);
  if (events.length === 0) {
    io.out(`eventforge projections: no parked events${name === undefined ? '' : ` of ${name}`}`);
    return EXIT.ok;
  }
  for (const p of events) {
    io.out(
      `${p.projection}  ${p.notificationId}  ${p.topic}  attempts ${p.attempts}  ${p.parkedAt.toISOString()}  ${p.error}`,
    );
  }
  return EXIT.ok;
}
