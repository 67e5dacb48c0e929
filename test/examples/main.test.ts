import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'eventforge-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function main(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(tsx, ['examples/main.ts'], { cwd: root, env: { ...process.env, ...env } });
  return stdout;
}

describe('the main job (examples/main.ts, run by npm start)', () => {
  it('runs the DogSchool synopsis in memory and prints what happened', async () => {
    const out = await main({ DATABASE_URL: 'memory:' });
    expect(out).toContain('DogSchool on the in-memory store');
    expect(out).toContain('getDog → {"name":"Fido","tricks":["roll over","play dead"]}');
    expect(out).toContain('the notification log holds 3 events');
  });

  it('runs on the embedded SQLite default file, which keeps the dogs of earlier runs', async () => {
    const env = { DATABASE_URL: '', EVENTFORGE_SQLITE_FILE: join(dir, 'eventforge.sqlite') };
    const first = await main(env);
    expect(first).toContain(`DogSchool on SQLite file ${join(dir, 'eventforge.sqlite')}`);
    expect(first).toContain('the notification log holds 3 events');
    const second = await main(env);
    expect(second).toContain('the notification log holds 6 events');
    expect(second).toMatch(/#6 DogSchool\.Dog\.TrickAdded \(stream version 3\) \{"trick":\{"name":"play dead"\}\}/);
  });
});
