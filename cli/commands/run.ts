/** `eventforge run`: the command's row (the work is in cli/database/run-system.ts, loaded on use). */
import { EXIT, stringFlag, type CliCommand } from '../command.js';

/** `eventforge run MODULE [--worker] [--followers A,B] [--partitions A=3] …` */
export const runCommand: CliCommand = {
  name: 'run',
  summary:
    "runs a system's followers: all in this process, or with --worker a share of them under leases in PostgreSQL",
  usage:
    'eventforge run MODULE [--export NAME] [--worker [--followers F1,F2] [--partitions F=K,…] [--id ID] ' +
    '[--lease-ttl MS]] [--batch-size N] [--max-attempts N] [--retry-delay MS]   (stores: DATABASE_URL_<APP> per ' +
    'application, or DATABASE_URL with a schema per application; SIGTERM drains and exits 0)',
  options: {
    export: { type: 'string' },
    worker: { type: 'boolean' },
    followers: { type: 'string' },
    partitions: { type: 'string' },
    id: { type: 'string' },
    'lease-ttl': { type: 'string' },
    'batch-size': { type: 'string' },
    'max-attempts': { type: 'string' },
    'retry-delay': { type: 'string' },
  },
  run: async (args, io) => {
    const module = args.positionals[0];
    if (module === undefined || args.positionals.length > 1) {
      io.err(`eventforge run: expected one system module, got ${args.positionals.length}\nusage: ${runCommand.usage}`);
      return EXIT.usage;
    }
    // Loaded on use: the other commands never load the runtime's runners or the database drivers.
    const { runSystem } = await import('../database/run-system.js');
    const flags = {
      export: stringFlag(args, 'export'),
      followers: stringFlag(args, 'followers'),
      partitions: stringFlag(args, 'partitions'),
      id: stringFlag(args, 'id'),
      leaseTtl: stringFlag(args, 'lease-ttl'),
      batchSize: stringFlag(args, 'batch-size'),
      maxAttempts: stringFlag(args, 'max-attempts'),
      retryDelay: stringFlag(args, 'retry-delay'),
    };
    const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    return runSystem({ module, worker: args.values['worker'] === true, ...given }, io);
  },
};
