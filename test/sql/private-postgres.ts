/**
 * A private PostgreSQL server for tests that stop and start the server under a running
 * application (the shared one on 5432 must never be restarted: other tests use it). It is
 * initialised with the installed `initdb` into a temporary folder owned by the `postgres` OS user
 * (initdb refuses to run as root), on a free port, and removed by `destroy`.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin folder, or undefined. */
function binaries(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(ROOT, versions[0]!, 'bin');
}

/** Why the private-server tests skip, or undefined when they can run (always run under CI=true). */
export function privatePostgresSkipReason(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (binaries() === undefined)
    return `no PostgreSQL server binaries under ${ROOT}/*/bin (initdb, pg_ctl); install postgresql or set CI=true`;
  if (process.getuid?.() !== 0)
    return 'the private PostgreSQL server is run as the postgres OS user, which needs root; run as root or set CI=true';
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running private server; `stop`/`start` restart it under its clients. */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Creates and starts a server in a temporary folder. */
  static async create(): Promise<PrivatePostgres> {
    const bin = binaries();
    if (bin === undefined) throw new Error(`no PostgreSQL server binaries under ${ROOT}/*/bin`);
    const dir = mkdtempSync(join(tmpdir(), 'eventforge-private-pg-'));
    chownSync(
      dir,
      Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
      Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
    );
    await asPostgres(join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    const server = new PrivatePostgres(bin, dir, await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await asPostgres(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** Fast shutdown: the server ends every session (rolling back open transactions) and stops. */
  async stop(): Promise<void> {
    await asPostgres(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  /** Stops the server (if running) and deletes its folder. */
  async destroy(): Promise<void> {
    await asPostgres(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(
      () => undefined,
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function asPostgres(command: string, args: readonly string[]): Promise<void> {
  await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: '/tmp' });
}
