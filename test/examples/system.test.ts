import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');

describe('the system example (examples/system.ts)', () => {
  it('runs DogSchool and Counters single-threaded in memory and prints the counts', async () => {
    const { stdout } = await run(tsx, ['--conditions=eventforge-source', 'examples/system.ts'], { cwd: root });
    expect(stdout).toBe('roll over: taught 2 time(s)\nplay dead: taught 1 time(s)\nfetch: taught 0 time(s)\n');
  });
});
