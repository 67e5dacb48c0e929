/**
 * The disk filling up under a SQLite store (a small tmpfs mounted for the test): a save that does
 * not fit fails with the retryable `StorageFullError` and stores nothing, the store stays readable
 * while the disk is full, and once space is freed the same application saves again; reopened, the
 * file holds exactly what the saves were told was stored.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../runtime/application.js';
import { StorageFullError } from '../../runtime/errors.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';

const SIZE = '4m';
const mountPoint = mkdtempSync(join(tmpdir(), 'eventforge-disk-full-'));

/** Mounts the tmpfs; the reason it cannot, or undefined. Under CI=true a failure is an error. */
function mountTmpfs(): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    return `cannot mount a tmpfs here (${String((error as { stderr?: unknown }).stderr ?? error).trim()}); run as root or set CI=true`;
  }
}

const skip = mountTmpfs();
afterAll(() => {
  if (skip === undefined) execFileSync('umount', [mountPoint]);
  rmdirSync(mountPoint);
});

/** Fills the disk with a file of 64 KiB writes until ENOSPC, then a last smaller one until nothing fits. */
function fillDisk(path: string): void {
  for (const size of [65536, 4096, 512, 1]) {
    const chunk = Buffer.alloc(size, 1);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(path, `filler-${size}-${i}`), chunk);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOSPC') break;
        throw error;
      }
    }
  }
}

describe.skipIf(skip !== undefined)(`SQLite on a full disk${skip === undefined ? '' : `: ${skip}`}`, () => {
  const fillers = join(mountPoint, 'fillers');
  const url = `file:${join(mountPoint, 'store.sqlite')}`;
  const open = () => new Application({ domains: [kennelDomain], name: 'Kennel', env: { DATABASE_URL: url } });
  beforeAll(() => execFileSync('mkdir', [fillers]));

  it('a save that does not fit fails with StorageFullError and stores nothing; reads go on; after freeing space saves succeed', async () => {
    const app = open();
    const stored: Dog[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const dog = Dog.register(`early ${i}`);
        dog.addTrick('sit');
        await app.save(dog);
        stored.push(dog);
      }
      fillDisk(fillers);

      // Saves of growing size (more and longer tricks) until one needs a page the disk cannot give.
      const refused: Dog[] = [];
      for (let i = 0; refused.length === 0 && i < 200; i++) {
        const dog = Dog.register(`full ${i}`);
        for (let t = 0; t < 20 * (i + 1); t++) dog.addTrick(`trick ${t} ${'x'.repeat(200)}`);
        try {
          await app.save(dog);
          stored.push(dog);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageFullError);
          expect((error as StorageFullError).retryable).toBe(true);
          expect((error as Error).message).toMatch(/disk is full.*free space, then retry/);
          refused.push(dog);
        }
      }
      expect(refused).toHaveLength(1);
      const [lost] = refused;

      // Readable while full, and the refused save left nothing.
      for (const dog of stored) expect((await app.repository(Dog).get(dog.id)).name).toBe(dog.name);
      expect(await app.repository(Dog).has(lost!.id)).toBe(false);
      const maxBefore = await app.log.maxId();
      expect(await app.log.select(1n, 1000)).toHaveLength(Number(maxBefore));

      rmSync(fillers, { recursive: true });
      // The same application, not reopened: the refused save now fits, and so do others.
      await app.save(lost!);
      stored.push(lost!);
      const after = Dog.register('after');
      after.addTrick('stay');
      await app.save(after);
      stored.push(after);
    } finally {
      await app.close();
    }

    const reopened = open();
    try {
      for (const dog of stored) expect((await reopened.repository(Dog).get(dog.id)).name).toBe(dog.name);
      // Exactly the stored saves' events: none of the refused attempt's first try.
      expect(await reopened.log.maxId()).toBeGreaterThanOrEqual(BigInt(stored.reduce((n, d) => n + d.version, 0)));
      expect(await reopened.log.select(1n, 100_000)).toHaveLength(stored.reduce((n, d) => n + d.version, 0));
    } finally {
      await reopened.close();
    }
  });
});
