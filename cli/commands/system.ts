/** `eventforge system status`: the command's row (the work is in cli/database/run-system.ts, loaded on use). */
import { EXIT, stringFlag, type CliCommand } from '../command.js';

/** `eventforge system status MODULE [--export NAME] [--partitions F=K,…] [--json]` */
export const systemCommand: CliCommand = {
  name: 'system',
  summary: "a system's followers: their leases, positions, lag and parked events (status)",
  usage:
    'eventforge system status MODULE [--export NAME] [--partitions F=K,…] [--json]   (stores as for `eventforge run`; ' +
    'exits 1 when a follower failed or an event is parked)',
  options: { export: { type: 'string' }, partitions: { type: 'string' }, json: { type: 'boolean' } },
  run: async (args, io) => {
    const [action, module, ...rest] = args.positionals;
    if (action !== 'status' || module === undefined || rest.length > 0) {
      io.err(`eventforge system: expected status MODULE\nusage: ${systemCommand.usage}`);
      return EXIT.usage;
    }
    const { printSystemStatus } = await import('../database/run-system.js');
    const name = stringFlag(args, 'export');
    const partitions = stringFlag(args, 'partitions');
    return printSystemStatus(
      {
        module,
        ...(name === undefined ? {} : { export: name }),
        ...(partitions === undefined ? {} : { partitions }),
        json: args.values['json'] === true,
      },
      io,
    );
  },
};
