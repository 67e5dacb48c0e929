/**
 * `generate --watch`: runs once, then again whenever a schema file or a module beside it is added,
 * changed or removed (changes within 50 ms are batched into one run; runs never overlap).
 */
import { watch } from 'chokidar';

/** Schemas, and the TypeScript or JavaScript modules next to them that schemas name as `upcasters:` (the compiler checks them). */
const WATCHED = /\.domain\.yaml$|\.(ts|mts|js|mjs)$/;

export interface WatchIo {
  out(line: string): void;
  /** Ends the watch (tests); without it, the watch runs until the process is interrupted. */
  readonly signal?: AbortSignal;
}

export async function watchSchemas(dirs: readonly string[], run: () => Promise<number>, io: WatchIo): Promise<void> {
  const report = (error: unknown): void =>
    io.out(`eventforge: ${error instanceof Error ? error.message : String(error)}`);
  await run().catch(report);
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch([...dirs], {
    ignoreInitial: true,
    ignored: (path, stats) => stats?.isFile() === true && !WATCHED.test(path),
  });
  watcher.on('all', () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(() => {
        io.out('eventforge: schema changed, regenerating');
        return run().catch(report);
      });
    }, 50);
  });
  await new Promise<void>((resolveReady) => watcher.on('ready', () => resolveReady()));
  io.out(`eventforge: watching ${dirs.join(', ')} (Ctrl-C to stop)`);
  await new Promise<void>((resolveDone) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      io.signal?.removeEventListener('abort', stop);
      resolveDone();
    };
    process.once('SIGINT', stop);
    if (io.signal !== undefined) {
      if (io.signal.aborted) stop();
      else io.signal.addEventListener('abort', stop, { once: true });
    }
  });
  if (timer !== undefined) clearTimeout(timer);
  await watcher.close();
  await running;
}
