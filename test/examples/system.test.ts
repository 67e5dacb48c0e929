import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');

describe('the system examples', () => {
  it('runs DogSchool and Counters single-threaded in memory and prints the counts', async () => {
    const { stdout } = await run(tsx, ['--conditions=eventforge-source', 'examples/system.ts'], { cwd: root });
    expect(stdout).toBe('roll over: taught 2 time(s)\nplay dead: taught 1 time(s)\nfetch: taught 0 time(s)\n');
  });

  it('runs the shop (examples/shop-main.ts): a chain of three applications and a view, single-threaded in memory', async () => {
    const { stdout } = await run(tsx, ['--conditions=eventforge-source', 'examples/shop-main.ts'], { cwd: root });
    expect(stdout).toContain('alice: charged 200 cents\n');
    expect(stdout).toContain("requestId: 'r-1',\n  causationId: 'Reservations:3',\n  correlationId: 'Orders:1'");
    expect(stdout).toContain('bob: refused\n');
    expect(stdout).toContain("sku: 'apple',\n    onHand: 1,\n    reserved: 4,\n    refusals: 1");
  });
});
