import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_FILE, readConfig, readStore } from '../../runtime/config.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { MemoryRecorder } from '../../runtime/memory-recorder.js';
import { openRecorder } from '../../runtime/open-recorder.js';

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('DATABASE_URL', () => {
  it('unset or empty: the embedded SQLite file, or EVENTFORGE_SQLITE_FILE', () => {
    expect(readStore({})).toEqual({ kind: 'sqlite', filename: resolve(DEFAULT_SQLITE_FILE) });
    expect(readStore({ DATABASE_URL: '  ' })).toEqual({ kind: 'sqlite', filename: resolve('eventforge.sqlite') });
    expect(readStore({ EVENTFORGE_SQLITE_FILE: 'data/app.db' })).toEqual({
      kind: 'sqlite',
      filename: resolve('data/app.db'),
    });
  });

  it('file:… is SQLite, relative, absolute or as a file URL; query strings are dropped', () => {
    expect(readStore({ DATABASE_URL: 'file:./dev.db' })).toEqual({ kind: 'sqlite', filename: resolve('dev.db') });
    expect(readStore({ DATABASE_URL: 'file:/var/lib/app.db' })).toEqual({
      kind: 'sqlite',
      filename: '/var/lib/app.db',
    });
    expect(readStore({ DATABASE_URL: 'file:///var/lib/app.db' })).toEqual({
      kind: 'sqlite',
      filename: '/var/lib/app.db',
    });
    expect(readStore({ DATABASE_URL: 'file:./dev.db?connection_limit=1' })).toEqual({
      kind: 'sqlite',
      filename: resolve('dev.db'),
    });
    expect(configError(() => readStore({ DATABASE_URL: 'file:' })).message).toMatch(/names no file/);
  });

  it('postgresql:// and postgres:// are PostgreSQL', () => {
    const url = 'postgresql://postgres@127.0.0.1:5432/test';
    expect(readStore({ DATABASE_URL: url })).toEqual({ kind: 'postgresql', url });
    expect(readStore({ DATABASE_URL: 'postgres://u:p@db/x' })).toEqual({
      kind: 'postgresql',
      url: 'postgres://u:p@db/x',
    });
    expect(readStore({ DATABASE_URL: 'postgresql:///x?host=/var/run/postgresql' }).kind).toBe('postgresql');
  });

  it('memory: is the in-memory store', () => {
    expect(readStore({ DATABASE_URL: 'memory:' })).toEqual({ kind: 'memory' });
  });

  it('anything else is a ConfigurationError that names the variable and the choices, and hides passwords', () => {
    const error = configError(() => readStore({ DATABASE_URL: 'mysql://root:hunter2@db/x' }));
    expect(error.message).toMatch(/^DATABASE_URL=mysql:\/\/root:\*\*\*@db\/x is not supported/);
    expect(error.message).toMatch(/file:<path>.*postgresql:\/\/.*memory:/);
    expect(error.message).not.toContain('hunter2');
    expect(configError(() => readStore({ DATABASE_URL: 'postgresql://' })).message).toMatch(
      /not a valid PostgreSQL URL/,
    );
    expect(configError(() => readStore({ DATABASE_URL: 'eventforge.sqlite' })).message).toMatch(/DATABASE_URL/);
  });
});

describe('EVENTFORGE_SNAPSHOT_EVERY', () => {
  it('reads name:interval pairs, topics, * and off', () => {
    const config = readConfig({
      DATABASE_URL: 'memory:',
      EVENTFORGE_SNAPSHOT_EVERY: 'Dog:50, User:10,DogSchool.Dog:7,*:100,Order:off',
    });
    expect([...config.snapshotEvery]).toEqual([
      ['Dog', 50],
      ['User', 10],
      ['DogSchool.Dog', 7],
      ['*', 100],
      ['Order', null],
    ]);
    expect(readConfig({ DATABASE_URL: 'memory:' }).snapshotEvery.size).toBe(0);
  });

  it('refuses malformed entries, saying what is allowed', () => {
    for (const bad of ['Dog', 'Dog:0', 'Dog:-5', 'Dog:1.5', 'Dog:ten', ':5', 'Dog:5:6', '5']) {
      const error = configError(() => readConfig({ DATABASE_URL: 'memory:', EVENTFORGE_SNAPSHOT_EVERY: bad }));
      expect(error.message).toMatch(/^EVENTFORGE_SNAPSHOT_EVERY/);
      expect(error.message).toMatch(/positive integer|<aggregate>:<interval>/);
    }
    expect(configError(() => readConfig({ EVENTFORGE_SNAPSHOT_EVERY: 'Dog:5,Dog:6' })).message).toMatch(/twice/);
  });
});

describe('EVENTFORGE_CIPHER_KEY and EVENTFORGE_COMPRESSION', () => {
  it('a base64 32-byte key turns encryption on', () => {
    const key = Buffer.alloc(32, 7);
    const config = readConfig({ DATABASE_URL: 'memory:', EVENTFORGE_CIPHER_KEY: key.toString('base64') });
    expect(Buffer.from(config.cipherKey!).equals(key)).toBe(true);
    expect(readConfig({ DATABASE_URL: 'memory:' }).cipherKey).toBeUndefined();
  });

  it('refuses keys that are not base64 or not 32 bytes', () => {
    expect(configError(() => readConfig({ EVENTFORGE_CIPHER_KEY: 'not base64!' })).message).toMatch(
      /EVENTFORGE_CIPHER_KEY is not base64/,
    );
    expect(
      configError(() => readConfig({ EVENTFORGE_CIPHER_KEY: Buffer.alloc(16).toString('base64') })).message,
    ).toMatch(/EVENTFORGE_CIPHER_KEY: an AES-256 key has 32 bytes, this one has 16/);
  });

  it('compression is deflate or none', () => {
    expect(readConfig({ DATABASE_URL: 'memory:', EVENTFORGE_COMPRESSION: 'deflate' }).compression).toBe('deflate');
    expect(readConfig({ DATABASE_URL: 'memory:', EVENTFORGE_COMPRESSION: 'DEFLATE' }).compression).toBe('deflate');
    expect(readConfig({ DATABASE_URL: 'memory:', EVENTFORGE_COMPRESSION: 'none' }).compression).toBeUndefined();
    expect(configError(() => readConfig({ EVENTFORGE_COMPRESSION: 'zstd' })).message).toBe(
      'EVENTFORGE_COMPRESSION=zstd is not supported; expected deflate or none',
    );
  });
});

describe('openRecorder', () => {
  it('opens the in-memory recorder', async () => {
    const recorder = await openRecorder({ kind: 'memory' });
    expect(recorder).toBeInstanceOf(MemoryRecorder);
    await recorder.close();
  });

  it('opens SQLite through runtime/sql, loaded on use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventforge-config-'));
    try {
      const recorder = await openRecorder({ kind: 'sqlite', filename: join(dir, 'app.sqlite') });
      expect(await recorder.maxNotificationId()).toBe(0n);
      await recorder.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
